package build

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/testutil"
	"github.com/mydocker/mydocker/final/state"
)

// A build killed while an overlay was attached under its scratch
// directory (kernels without the new mount API) leaves a mount there:
// Tidy detaches it before it removes anything, and never deletes through
// it.
func TestTidyDetachesWhatADeadBuildLeftMounted(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	me, err := state.ProcessOf(os.Getpid())
	require.NoError(t, err)
	dead := filepath.Join(root, "build", fmt.Sprintf("tmp-%d-%d-xyz", me.PID, me.Start+1))
	merged := filepath.Join(dead, "rootfs-1", "merged")
	require.NoError(t, os.MkdirAll(merged, 0o700))
	require.NoError(t, unix.Mount("tmpfs", merged, "tmpfs", 0, ""))
	t.Cleanup(func() { _ = unix.Unmount(merged, unix.MNT_DETACH) })
	require.NoError(t, os.WriteFile(filepath.Join(merged, "kept"), nil, 0o600))

	Tidy(root)
	mounted, err := mountinfo.Mounted(merged)
	if err == nil {
		assert.False(t, mounted)
	}
	assert.NoDirExists(t, dead)
}
