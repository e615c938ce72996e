package container

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/ch4-export/cgroups/resources"
	"github.com/mydocker/mydocker/ch4-export/internal/testutil"
)

// TestMain lets this test binary play the container's init, as the real
// binary does: Run re-executes /proc/self/exe, which here is the test.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "init" {
		err := RunContainerInitProcess()
		os.Stderr.WriteString(err.Error() + "\n")
		// As main does: 127 or 126 when the command cannot start, else 125.
		var execErr *ExecError
		if errors.As(err, &execErr) {
			os.Exit(execErr.ExitCode())
		}
		os.Exit(125)
	}
	os.Exit(m.Run())
}

func TestExitStatusOf(t *testing.T) {
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
			status, err := exitStatusOf(exec.Command("sh", "-c", tc.script).Run())
			require.NoError(t, err)
			assert.Equal(t, tc.want, status)
		})
	}
}

func TestExitStatusOfStartFailure(t *testing.T) {
	_, err := exitStatusOf(exec.Command("/nonexistent/binary").Run())
	assert.ErrorContains(t, err, "wait for container")
}

func TestRunGivesPID1AndStatus(t *testing.T) {
	testutil.RequireRoot(t)

	root := t.TempDir()
	testutil.BusyboxImage(t, root)

	status, err := Run(RunOptions{Root: root, Command: []string{"sh", "-c", `test $$ -eq 1 && exit 7`}})
	require.NoError(t, err)
	assert.Equal(t, 7, status, "the command is PID 1 and its status comes back")
}

func TestRunWithLimits(t *testing.T) {
	testutil.RequireRoot(t)

	root := t.TempDir()
	testutil.BusyboxImage(t, root)
	res := resources.Resources{Memory: 64 << 20, CPUShares: 512}
	// The container finds itself in a cgroup named mydocker/<id>.
	status, err := Run(RunOptions{
		Root:      root,
		Command:   []string{"sh", "-c", `busybox grep -q ":/mydocker/[0-9a-f]*$" /proc/self/cgroup`},
		Resources: res,
	})
	require.NoError(t, err)
	assert.Equal(t, 0, status)
}

func TestRunMissingCommand(t *testing.T) {
	testutil.RequireRoot(t)

	root := t.TempDir()
	testutil.BusyboxImage(t, root)

	status, err := Run(RunOptions{Root: root, Command: []string{"mydocker-no-such-command"}})
	require.NoError(t, err)
	assert.Equal(t, 127, status, "a command that does not exist is 127, as in a shell")
}

func TestRunStopsAtASignalThatComesBeforeTheCommand(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	testutil.BusyboxImage(t, root)
	signals := make(chan os.Signal, 1)
	signals <- syscall.SIGTERM

	status, err := run(RunOptions{Root: root, Command: []string{"true"}}, signals)

	require.NoError(t, err, "a signal is not a failure of mydocker's (125)")
	assert.Equal(t, 143, status, "128+SIGTERM, as if it had killed the container")
	assert.NoDirExists(t, filepath.Join(root, "overlay"), "and nothing is left")
}
