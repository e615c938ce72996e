package container

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newParent is NewParentProcess for tests: it closes the pipe afterwards.
func newParent(t *testing.T, opts RunOptions) *exec.Cmd {
	t.Helper()
	cmd, w, err := NewParentProcess(opts)
	require.NoError(t, err)
	t.Cleanup(func() { w.Close(); cmd.ExtraFiles[0].Close() })
	return cmd
}

func TestNewParentProcessPassesNoArgv(t *testing.T) {
	cmd := newParent(t, RunOptions{Command: []string{"sh", "-c", "true"}})

	assert.Equal(t, "/proc/self/exe", cmd.Path)
	assert.Equal(t, []string{"/proc/self/exe", "init"}, cmd.Args, "the command goes through the pipe")
	require.Len(t, cmd.ExtraFiles, 1, "the pipe becomes fd 3")
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
	// Output always reaches ours, through pipes we copy: never a
	// descriptor of our terminal, in a session of its own.
	assert.Equal(t, writerOnly{os.Stdout}, plain.Stdout, "output always reaches ours")
	_, isFile := plain.Stderr.(*os.File)
	assert.False(t, isFile, "stderr is a pipe too")
	assert.True(t, plain.SysProcAttr.Setsid, "none of our terminal")

	tty := newParent(t, RunOptions{TTY: true, Command: []string{"sh"}})
	assert.Equal(t, os.Stdin, tty.Stdin)
}

func TestContainerEnvIsClean(t *testing.T) {
	t.Setenv("SUDO_USER", "alice")
	t.Setenv("TERM", "xterm-test")

	assert.Equal(t, []string{defaultPath, "HOME=/root"}, containerEnv(false))
	assert.Equal(t, []string{defaultPath, "HOME=/root", "TERM=xterm-test"}, containerEnv(true))
}
