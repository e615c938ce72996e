package overlay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

func TestOpenDetachedShowsTheLayersAndIsMountedNowhere(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	top, bottom := filepath.Join(root, "top"), filepath.Join(root, "bottom")
	require.NoError(t, os.MkdirAll(top, 0o755))
	require.NoError(t, os.MkdirAll(bottom, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(top, "a"), []byte("top"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bottom, "a"), []byte("bottom"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bottom, "b"), []byte("b"), 0o644))
	before, err := mountinfo.GetMounts(nil)
	require.NoError(t, err)

	f, err := openDetached([]string{top, bottom})
	require.NoError(t, err)
	defer f.Close()
	names, err := f.Readdirnames(-1)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"a", "b"}, names)
	fd, err := unix.Openat(int(f.Fd()), "a", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	buf := make([]byte, 8)
	n, _ := unix.Read(fd, buf)
	unix.Close(fd)
	assert.Equal(t, "top", string(buf[:n]), "the top layer wins")
	_, err = unix.Openat(int(f.Fd()), "new", unix.O_WRONLY|unix.O_CREAT|unix.O_CLOEXEC, 0o644)
	assert.ErrorIs(t, err, unix.EROFS, "read-only")

	after, err := mountinfo.GetMounts(nil)
	require.NoError(t, err)
	assert.Len(t, after, len(before), "no mount in the table, even while it is open")
}
