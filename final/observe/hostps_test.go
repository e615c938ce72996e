package observe

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePSOutputKeepsTheContainersRows(t *testing.T) {
	out := "USER PID %CPU COMMAND\nroot 1 0.0 /sbin/init splash\nroot 42 0.1 sleep 1000\nroot - 0.0 -\nbin 43 0.0 sh -c x\nroot - 0.0 -\n"
	titles, rows, err := parsePSOutput(out, []int{42})
	require.NoError(t, err)
	assert.Equal(t, []string{"USER", "PID", "%CPU", "COMMAND"}, titles)
	assert.Equal(t, [][]string{{"root", "42", "0.1", "sleep 1000"}, {"root", "-", "0.0", "-"}}, rows)

	_, _, err = parsePSOutput("USER COMMAND\nroot x\n", []int{1})
	assert.ErrorContains(t, err, "PID field")
}

func TestValidatePSArgsRefusesAColumnRenamedPID(t *testing.T) {
	assert.NoError(t, validatePSArgs("-o pid,comm"))
	assert.NoError(t, validatePSArgs("-o pid=PID,comm"))
	assert.ErrorContains(t, validatePSArgs("-o pid -o user=PID"), `specifying "user=PID" is not allowed`)
}

func TestHostPsRunsPsForThePIDs(t *testing.T) {
	if _, err := exec.LookPath("ps"); err != nil {
		t.Skip("no ps")
	}
	titles, rows, err := HostPs("-o pid,comm", []int{os.Getpid()})
	require.NoError(t, err)
	assert.Equal(t, []string{"PID", "COMMAND"}, titles)
	require.Len(t, rows, 1)
	_, _, err = HostPs("--no-such-option", []int{os.Getpid()})
	assert.ErrorContains(t, err, "ps: exit status")
}
