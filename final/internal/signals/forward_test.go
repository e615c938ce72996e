package signals

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitStatus(t *testing.T) {
	for name, tc := range map[string]struct {
		script string
		want   int
	}{
		"success":        {"exit 0", 0},
		"own status":     {"exit 3", 3},
		"killed by KILL": {"kill -KILL $$", 137},
		"killed by TERM": {"kill -TERM $$", 143},
	} {
		t.Run(name, func(t *testing.T) {
			status, err := ExitStatus(exec.Command("sh", "-c", tc.script).Run())
			require.NoError(t, err)
			assert.Equal(t, tc.want, status)
		})
	}
}

func TestExitStatusStartFailure(t *testing.T) {
	_, err := ExitStatus(exec.Command("/nonexistent/binary").Run())
	assert.ErrorContains(t, err, "wait for container")
}
