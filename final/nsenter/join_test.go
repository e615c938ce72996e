package nsenter

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestMain is also the helper the tests start again with a
// configuration: the constructor has then run, and it says where it is.
func TestMain(m *testing.M) {
	if os.Getenv("NSENTER_TEST_HELPER") == "1" {
		ns, _ := os.Readlink("/proc/self/ns/mnt")
		dumpable, _ := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
		fmt.Printf("%s dumpable=%d\n", ns, dumpable)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helper starts the test binary again with params as the constructor's
// configuration.
func helper(t *testing.T, params ...string) *exec.Cmd {
	config, err := ConfigFile(params, nil)
	require.NoError(t, err)
	t.Cleanup(func() { config.Close() })
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{"NSENTER_TEST_HELPER=1", EnvConfigFd + "=3"}
	cmd.ExtraFiles = []*os.File{config}
	return cmd
}

// Without a pid, the constructor joins what Join names and goes on into
// Go, non-dumpable (mydocker-runc's init).
func TestJoinOnlyJoinsAndGoesOnNonDumpable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("setns into a mount namespace needs root")
	}
	// A mount namespace of a thread of ours, which keeps it: no mount is
	// made in it.
	path, done := make(chan string), make(chan struct{})
	defer close(done)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			path <- ""
			return
		}
		path <- fmt.Sprintf("/proc/%d/task/%d/ns/mnt", os.Getpid(), unix.Gettid())
		<-done
	}()
	ns := <-path
	require.NotEmpty(t, ns, "unshare a mount namespace")
	want, err := os.Readlink(ns)
	require.NoError(t, err)
	// Nothing to join: it stays where it was born (not in the thread's).
	out, err := helper(t, ParamJoin+"=").Output()
	require.NoError(t, err)
	ours, _, _ := strings.Cut(string(out), " ")
	require.NotEqual(t, want, ours)
	assert.Equal(t, ours+" dumpable=0\n", string(out))

	out, err = helper(t, ParamJoin+"=mnt:"+ns).Output()
	require.NoError(t, err)
	assert.Equal(t, want+" dumpable=0\n", string(out))

	cmd := helper(t, ParamJoin+"=mnt:/nonexistent", ParamProg+"=mydocker-runc")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	assert.Error(t, err)
	assert.Equal(t, "mydocker-runc: init: open namespace /nonexistent: No such file or directory\n", stderr.String())
}
