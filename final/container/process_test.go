package container

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newParent is NewParentProcess for tests: it closes the pipes
// afterwards.
func newParent(t *testing.T, opts RunOptions) *exec.Cmd {
	t.Helper()
	pipes, err := newInitPipes()
	require.NoError(t, err)
	pipes.console, err = newConsole(opts, newHub(nil, [2]uint16{}))
	require.NoError(t, err)
	t.Cleanup(pipes.close)
	return NewParentProcess(opts, pipes)
}

func TestNewParentProcessPassesNoArgv(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"sh", "-c", "true"}})

	assert.Equal(t, "/proc/self/exe", cmd.Path)
	assert.Equal(t, []string{"/proc/self/exe", "init"}, cmd.Args, "the command goes through the pipe")
	require.Len(t, cmd.ExtraFiles, 2, "the pipes become fd 3 and fd 4")
}

func TestInitTakesNoEnvironmentOfTheContainers(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"true"}, Env: []string{"LD_PRELOAD=/x.so"}})
	assert.NotNil(t, cmd.Env, "nil would be ours, inherited")
	assert.Empty(t, cmd.Env, "the container's goes through the init config")
}

func TestNewParentProcessDebugGoesBeforeInit(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"true"}, Debug: true})
	assert.Equal(t, []string{"/proc/self/exe", "--debug", "init"}, cmd.Args)
}

func TestNewParentProcessNamespaces(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"true"}})
	flags := cmd.SysProcAttr.Cloneflags
	for name, flag := range map[string]uintptr{
		"uts": syscall.CLONE_NEWUTS, "pid": syscall.CLONE_NEWPID,
		"mnt": syscall.CLONE_NEWNS, "ipc": syscall.CLONE_NEWIPC, "net": syscall.CLONE_NEWNET,
	} {
		assert.NotZero(t, flags&flag, "namespace %s", name)
	}
	assert.Zero(t, flags&syscall.CLONE_NEWUSER, "no user namespace")
}

func TestNewParentProcessStdio(t *testing.T) {
	plain := newParent(t, RunOptions{Command: []string{"true"}})
	require.IsType(t, &os.File{}, plain.Stdin)
	assert.Equal(t, os.DevNull, plain.Stdin.(*os.File).Name(), "without -i stdin is /dev/null, as docker")
	assert.NotNil(t, plain.Stdout, "output goes to the monitor")
	assert.NotEqual(t, plain.Stdout, plain.Stderr, "stdout and stderr stay apart")
	assert.True(t, plain.SysProcAttr.Setsid, "in a session of its own")
	assert.Zero(t, plain.SysProcAttr.Pdeathsig, "it outlives whoever ran it")

	interactive := newParent(t, RunOptions{Interactive: true, Command: []string{"cat"}})
	assert.NotEqual(t, os.Stdin, interactive.Stdin, "a pipe of the monitor's, never our own stdin")
	assert.NotEqual(t, os.DevNull, interactive.Stdin.(*os.File).Name())

	tty := newParent(t, RunOptions{TTY: true, Interactive: true, Command: []string{"sh"}})
	assert.Nil(t, tty.Stdin, "with -t the terminal comes from init, not from us")
	assert.Nil(t, tty.Stdout)
	assert.Len(t, tty.ExtraFiles, 3, "the console socket is fd 5")
}

func TestContainerEnvIsClean(t *testing.T) {
	t.Setenv("SUDO_USER", "alice")
	t.Setenv("TERM", "xterm-test")

	// HOME is init's to set, from the image's /etc/passwd (TestLookupUser).
	assert.Equal(t, []string{defaultPath, "HOSTNAME=abc"}, containerEnv("abc", false, nil))
	assert.Equal(t, []string{defaultPath, "HOSTNAME=abc", "TERM=xterm-test"}, containerEnv("abc", true, nil))
	assert.Equal(t, []string{"HOSTNAME=abc", "PATH=/bin", "A=1"},
		containerEnv("abc", false, []string{"PATH=/bin", "A=1"}), "-e overrides the defaults")
}
