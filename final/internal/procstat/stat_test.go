package procstat

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTakesTheNameToTheLastParenthesis(t *testing.T) {
	// A process may name itself anything of 15 bytes: here ") (" and
	// spaces, which would shift every field of a split on spaces or a
	// cut at the first ')'.
	line := "42 (a) (b c) S 7 1) Z 1 42 42 34817 -1 4194560 100 0 0 0 11 22 0 0 20 0 1 0 12345 1000 10\n"
	st, err := Parse([]byte(line))
	require.NoError(t, err)
	assert.Equal(t, Stat{PID: 42, Comm: "a) (b c) S 7 1", State: 'Z', PPID: 1, TTY: 34817, UTime: 11, STime: 22, StartTime: 12345}, st)
	assert.True(t, st.Gone())
}

func TestParseRejectsGarbled(t *testing.T) {
	for _, bad := range []string{
		"", "42 sleep S 1", "42 (sleep S 1 2 3", "42 (sleep) S 1 42",
		"x (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 11 22 0 0 20 0 1 0 12345",
		"42 (sleep) S 1 42 42 0 -1 4194560 100 0 0 0 11 22 0 0 20 0 1 0 -5",
		"42 (sleep) SS 1 42 42 0 -1 4194560 100 0 0 0 11 22 0 0 20 0 1 0 12345",
	} {
		_, err := Parse([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestReadOfALiveProcess(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	st, err := Read(cmd.Process.Pid)
	require.NoError(t, err)
	assert.Equal(t, cmd.Process.Pid, st.PID)
	assert.Equal(t, "sleep", st.Comm)
	assert.Equal(t, os.Getpid(), st.PPID)
	assert.False(t, st.Gone())
	assert.NotZero(t, st.StartTime)
}
