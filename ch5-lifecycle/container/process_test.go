package container

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newParent is NewParentProcess for tests: it closes the pipes and the
// log afterwards.
func newParent(t *testing.T, opts RunOptions) *exec.Cmd {
	t.Helper()
	pipes, err := newInitPipes()
	require.NoError(t, err)
	log, err := os.Create(filepath.Join(t.TempDir(), "log"))
	require.NoError(t, err)
	t.Cleanup(func() { pipes.close(); log.Close() })
	return NewParentProcess(opts, pipes, log)
}

func TestNewParentProcessPassesNoArgv(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"sh", "-c", "true"}})

	assert.Equal(t, "/proc/self/exe", cmd.Path)
	assert.Equal(t, []string{"/proc/self/exe", "init"}, cmd.Args, "the command goes through the pipe")
	require.Len(t, cmd.ExtraFiles, 2, "the pipes become fd 3 and fd 4")
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
	assert.Equal(t, syscall.SIGKILL, cmd.SysProcAttr.Pdeathsig)
}

func TestNewParentProcessStdio(t *testing.T) {
	plain := newParent(t, RunOptions{Command: []string{"true"}})
	assert.Nil(t, plain.Stdin, "without -ti stdin stays closed")
	assert.NotNil(t, plain.Stdout, "output reaches ours and the log")

	tty := newParent(t, RunOptions{TTY: true, Command: []string{"sh"}})
	assert.Equal(t, os.Stdin, tty.Stdin)
}

func TestInitTakesNoEnvironmentOfTheContainers(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"true"}, Env: []string{"LD_PRELOAD=/x.so"}})
	assert.NotNil(t, cmd.Env, "nil would be ours, inherited")
	assert.Empty(t, cmd.Env, "the container's goes through the init config")
}

func TestForegroundWithoutTerminalHasASessionOfItsOwn(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"true"}})
	assert.True(t, cmd.SysProcAttr.Setsid, "no controlling terminal of ours: /dev/tty fails in it")
}

func TestDetachedContainerOutlivesUs(t *testing.T) {
	cmd := newParent(t, RunOptions{Detach: true, Command: []string{"true"}})
	assert.Zero(t, cmd.SysProcAttr.Pdeathsig, "no Pdeathsig: it runs on when run exits")
	assert.True(t, cmd.SysProcAttr.Setsid, "in a session of its own")
	assert.Nil(t, cmd.Stdin)
	assert.IsType(t, &os.File{}, cmd.Stdout, "straight to the log")
}

func TestContainerEnvIsClean(t *testing.T) {
	t.Setenv("SUDO_USER", "alice")
	t.Setenv("TERM", "xterm-test")

	assert.Equal(t, []string{defaultPath, "HOSTNAME=abc", "HOME=/root"}, containerEnv("abc", false, nil))
	assert.Equal(t, []string{defaultPath, "HOSTNAME=abc", "HOME=/root", "TERM=xterm-test"}, containerEnv("abc", true, nil))
	assert.Equal(t, []string{"HOSTNAME=abc", "HOME=/root", "PATH=/bin", "A=1"},
		containerEnv("abc", false, []string{"PATH=/bin", "A=1"}), "-e overrides the defaults")
}
