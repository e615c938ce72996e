package mountfd

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// CopyUp keeps owners, modes (setgid and sticky too) and symlinks as
// symlinks, recursively; a symlink to a host file is copied, not read.
func TestCopyUp(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("chown needs root")
	}
	src, dst := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "d/e"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "d/e/f"), []byte("seed"), 0o600))
	require.NoError(t, os.Chown(filepath.Join(src, "d/e/f"), 1234, 5678))
	require.NoError(t, unix.Chmod(filepath.Join(src, "d/e/f"), 0o2640))
	require.NoError(t, unix.Chmod(filepath.Join(src, "d"), 0o1711))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(src, "d/link")))
	require.NoError(t, unix.Mkfifo(filepath.Join(src, "fifo"), 0o620))
	s, err := os.Open(src)
	require.NoError(t, err)
	defer s.Close()
	d, err := os.Open(dst)
	require.NoError(t, err)
	defer d.Close()
	require.NoError(t, CopyUp(s, d))

	data, err := os.ReadFile(filepath.Join(dst, "d/e/f"))
	require.NoError(t, err)
	assert.Equal(t, "seed", string(data))
	info, err := os.Stat(filepath.Join(dst, "d/e/f"))
	require.NoError(t, err)
	st := info.Sys().(*syscall.Stat_t)
	assert.Equal(t, [3]uint32{1234, 5678, 0o2640}, [3]uint32{st.Uid, st.Gid, st.Mode & 0o7777})
	info, err = os.Stat(filepath.Join(dst, "d"))
	require.NoError(t, err)
	assert.Equal(t, uint32(0o1711), info.Sys().(*syscall.Stat_t).Mode&0o7777)
	target, err := os.Readlink(filepath.Join(dst, "d/link"))
	require.NoError(t, err)
	assert.Equal(t, "/etc/passwd", target)
	info, err = os.Lstat(filepath.Join(dst, "fifo"))
	require.NoError(t, err)
	assert.Equal(t, os.ModeNamedPipe, info.Mode().Type())
	// Into a copy that holds the name already: refused, not merged.
	assert.Error(t, CopyUp(s, d))
}
