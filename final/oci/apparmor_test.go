package oci

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// applyAppArmor writes the calling thread's attr files through
// thread-self, which the checked procfs handle must resolve: the thread's
// comm, written the same way, shows it reaches this thread's files.
func TestWriteProcReachesTheCallingThread(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a private procfs needs root")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	require.NoError(t, writeProc("thread-self/comm", "oci-apparmor"))
	b, err := os.ReadFile("/proc/thread-self/comm")
	require.NoError(t, err)
	assert.Equal(t, "oci-apparmor", strings.TrimSpace(string(b)))
}

func TestNoProfileNoWrite(t *testing.T) {
	assert.NoError(t, applyAppArmor(""))
	if !appArmorEnabled() {
		assert.Equal(t, "", appArmorProfile("containers-default-0.50.0"), "ignored where the kernel has no AppArmor, as runc")
	}
}
