package monitor

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/internal/testutil"
	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/state"
)

// runOpts is a foreground run of the busybox image under a root of the
// test's own.
func runOpts(t *testing.T, command ...string) container.RunOptions {
	testutil.RequireRoot(t)
	root := t.TempDir()
	testutil.BusyboxImage(t, root)
	// final/ keeps images in its store: the tar is imported into it.
	f, err := os.Open(filepath.Join(root, "images", "busybox.tar"))
	require.NoError(t, err)
	defer f.Close()
	images := image.Store{Root: root}
	img, err := images.Import(f, "busybox", nil)
	require.NoError(t, err)
	return container.RunOptions{Root: root, Image: "busybox", ImageID: img.ID, Layers: images.Lowers(img), Command: command}
}

// monitorRun runs opts as a container's monitor does, in the test.
func monitorRun(t *testing.T, opts container.RunOptions, signals chan os.Signal) (*state.Container, int, error) {
	if signals == nil {
		signals = make(chan os.Signal, 1)
	}
	h := newHub(signals, [2]uint16{})
	t.Cleanup(h.close)
	opts.SeccompProgram = defaultSeccomp(t, opts.Root) // Serve has it from its caller
	return container.Run(opts, h, signals)
}

func TestRunGivesPID1AndStatusAndKeepsTheContainer(t *testing.T) {
	opts := runOpts(t, "sh", "-c", `test $$ -eq 1 && exit 7`)

	st, status, err := monitorRun(t, opts, nil)

	require.NoError(t, err)
	assert.Equal(t, 7, status, "the command is PID 1 and its status comes back")
	kept, err := state.Store{Root: opts.Root}.Find(st.Name)
	require.NoError(t, err)
	assert.Regexp(t, `^Exited \(7\) (Less than a second|[0-9] seconds?) ago$`, kept.DockerStatus(time.Now()))
	mounted, err := overlay.IsMounted(kept.Workspace().Merged())
	require.NoError(t, err)
	assert.False(t, mounted, "an exited container holds no mount")
}

func TestRunWithLimits(t *testing.T) {
	// In its cgroup namespace the container's own cgroup is "/", and its
	// limit is in the (read-only) cgroup filesystem it sees.
	opts := runOpts(t, "sh", "-c", `grep -qx '[0-9]*:[^:]*:/' /proc/self/cgroup && `+
		`test "$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" = 67108864`)
	opts.Resources = resources.Resources{Memory: 64 << 20, CPUShares: 512}
	opts.AutoRemove = true
	_, status, err := monitorRun(t, opts, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, status)
	states, err := state.Store{Root: opts.Root}.List()
	require.NoError(t, err)
	assert.Empty(t, states, "--rm removed it")
}

func TestRunMissingCommand(t *testing.T) {
	opts := runOpts(t, "mydocker-no-such-command")

	_, _, err := monitorRun(t, opts, nil)

	var execErr *initproc.ExecError
	require.ErrorAs(t, err, &execErr)
	assert.Equal(t, 127, execErr.ExitCode(), "a command that does not exist is 127, as in a shell")
}

func TestRunStopsAtASignalThatComesBeforeTheCommand(t *testing.T) {
	opts := runOpts(t, "true")
	signals := make(chan os.Signal, 1)
	signals <- syscall.SIGTERM

	_, status, err := monitorRun(t, opts, signals)

	require.NoError(t, err, "a signal is not a failure of mydocker's (125)")
	assert.Equal(t, 143, status, "128+SIGTERM, as if it had killed the container")
	states, err := state.Store{Root: opts.Root}.List()
	require.NoError(t, err)
	assert.Empty(t, states, "and nothing is left")
}
