package container

import (
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newParent is NewParentProcess for tests, with the stdio con gives (none
// when nil): it closes the pipes afterwards.
func newParent(t *testing.T, opts RunOptions, con ...fakeConsole) *exec.Cmd {
	t.Helper()
	pipes, err := newInitPipes()
	require.NoError(t, err)
	pipes.console = fakeConsole{}
	if len(con) > 0 {
		pipes.console = con[0]
	}
	t.Cleanup(pipes.close)
	return NewParentProcess(opts, pipes)
}

// fakeConsole is a Console that gives init the files a test chose: the
// monitor's own console, which chooses them, is package monitor's.
type fakeConsole struct {
	stdin, stdout, stderr *os.File
	extra                 []*os.File
}

func (c fakeConsole) Files() (stdin, stdout, stderr *os.File, extra []*os.File) {
	return c.stdin, c.stdout, c.stderr, c.extra
}
func (fakeConsole) CloseTheirs()           {}
func (fakeConsole) Close()                 {}
func (fakeConsole) TTY() bool              { return false }
func (fakeConsole) Size() [2]uint16        { return [2]uint16{} }
func (fakeConsole) ReceiveTerminal() error { return nil }
func (fakeConsole) Drain()                 {}
func (fakeConsole) Exited(int)             {}

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

// pipeEnd is a file for a fake console to give, closed after the test.
func pipeEnd(t *testing.T) *os.File {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	w.Close()
	t.Cleanup(func() { r.Close() })
	return r
}

func TestNewParentProcessStdio(t *testing.T) {
	stdin, stdout, stderr, socket := pipeEnd(t), pipeEnd(t), pipeEnd(t), pipeEnd(t)
	plain := newParent(t, RunOptions{Command: []string{"true"}}, fakeConsole{stdin: stdin, stdout: stdout, stderr: stderr})
	assert.Same(t, stdin, plain.Stdin, "init's stdio is the monitor's console's")
	assert.Same(t, stdout, plain.Stdout)
	assert.Same(t, stderr, plain.Stderr)
	assert.True(t, plain.SysProcAttr.Setsid, "in a session of its own")
	assert.Zero(t, plain.SysProcAttr.Pdeathsig, "it outlives whoever ran it")

	tty := newParent(t, RunOptions{TTY: true, Interactive: true, Command: []string{"sh"}}, fakeConsole{extra: []*os.File{socket}})
	assert.Nil(t, tty.Stdin, "with -t the terminal comes from init, not from us")
	assert.Nil(t, tty.Stdout)
	require.Len(t, tty.ExtraFiles, 3)
	assert.Same(t, socket, tty.ExtraFiles[2], "the console socket is fd 5")
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
