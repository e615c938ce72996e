package containerfs

import (
	"os"
	"path/filepath"
	"testing"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

// copyOut runs cp's host writer on src of the directory root, as CopyOut
// does on a container's, to dest (a directory that exists: into it).
func copyOut(t *testing.T, root, src, dest string) error {
	t.Helper()
	rootDir, err := os.Open(root)
	require.NoError(t, err)
	defer rootDir.Close()
	handle, err := pathrs.OpenatInRoot(rootDir, src)
	require.NoError(t, err)
	defer handle.Close()
	dir, err := os.OpenRoot(dest)
	require.NoError(t, err)
	defer dir.Close()
	return copyOutTo(handle, src, dir, filepath.Base(src), false)
}

// TestCopyOutIsAPlainCopy plays the container: its /data holds whiteout
// names, a set-uid file, a device node, a FIFO, symlinks out, and a file
// where the host's earlier copy has a symlink out of DEST. The host keeps
// its files, and gets plain files, a symlink as a symlink, and nothing
// else.
func TestCopyOutIsAPlainCopy(t *testing.T) {
	testutil.RequireRoot(t) // device nodes and owners
	tmp := t.TempDir()
	root, dest := filepath.Join(tmp, "rootfs"), filepath.Join(tmp, "dest")
	data := filepath.Join(root, "data")
	require.NoError(t, os.MkdirAll(filepath.Join(data, "sub"), 0o755))
	for name, body := range map[string]string{".wh...": "", ".wh.keep.txt": "", ".wh..wh..opq": "", "suid": "#!/bin/sh", "w": "from the container", "sub/file": "linked"} {
		testutil.WriteFile(t, filepath.Join(data, name), body)
	}
	require.NoError(t, unix.Chmod(filepath.Join(data, "suid"), 0o6755))
	require.NoError(t, os.Lchown(filepath.Join(data, "suid"), 1234, 1234))
	require.NoError(t, unix.Chmod(filepath.Join(data, "sub"), 0o2775))
	require.NoError(t, unix.Mknod(filepath.Join(data, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	require.NoError(t, unix.Mkfifo(filepath.Join(data, "fifo"), 0o666))
	require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(data, "l")))
	require.NoError(t, os.Symlink("../../outside", filepath.Join(data, "up")))
	require.NoError(t, os.Link(filepath.Join(data, "sub/file"), filepath.Join(data, "hard")))

	// The host: DEST holds keep.txt, and its data/ from an earlier copy
	// holds keep.txt and a symlink w that leads out of DEST.
	require.NoError(t, os.MkdirAll(filepath.Join(dest, "data"), 0o755))
	testutil.WriteFile(t, filepath.Join(dest, "keep.txt"), "host")
	testutil.WriteFile(t, filepath.Join(dest, "data/keep.txt"), "host too")
	testutil.WriteFile(t, filepath.Join(tmp, "outside"), "host outside")
	require.NoError(t, os.Symlink(filepath.Join(tmp, "outside"), filepath.Join(dest, "data/w")))
	passwd := testutil.ReadFile(t, "/etc/passwd")

	require.NoError(t, copyOut(t, root, "/data", dest))

	got := filepath.Join(dest, "data")
	assert.Equal(t, "host", testutil.ReadFile(t, filepath.Join(dest, "keep.txt")))
	assert.Equal(t, "host too", testutil.ReadFile(t, filepath.Join(got, "keep.txt")))
	assert.Equal(t, "host outside", testutil.ReadFile(t, filepath.Join(tmp, "outside")))
	assert.Equal(t, passwd, testutil.ReadFile(t, "/etc/passwd"))
	for _, name := range []string{".wh...", ".wh.keep.txt", ".wh..wh..opq", "suid", "w", "hard", "sub/file"} {
		st, err := os.Lstat(filepath.Join(got, name))
		if assert.NoError(t, err, name) {
			assert.True(t, st.Mode().IsRegular(), "%s is a plain file: %v", name, st.Mode())
		}
	}
	assert.Equal(t, "from the container", testutil.ReadFile(t, filepath.Join(got, "w")))
	assert.Equal(t, "linked", testutil.ReadFile(t, filepath.Join(got, "hard")))
	var st unix.Stat_t
	require.NoError(t, unix.Lstat(filepath.Join(got, "suid"), &st))
	assert.Equal(t, uint32(0o755), st.Mode&0o7777, "no set-uid or set-gid bit")
	assert.Equal(t, uint32(os.Geteuid()), st.Uid, "owned by cp's user")
	require.NoError(t, unix.Lstat(filepath.Join(got, "sub"), &st))
	assert.Equal(t, uint32(0o775), st.Mode&0o7777, "no set-gid directory")
	assert.NoFileExists(t, filepath.Join(got, "null"))
	assert.NoFileExists(t, filepath.Join(got, "fifo"))
	for link, target := range map[string]string{"l": "/etc/passwd", "up": "../../outside"} {
		have, err := os.Readlink(filepath.Join(got, link))
		assert.NoError(t, err, link)
		assert.Equal(t, target, have, link)
	}
}

// TestCopyOutRefusesADeviceOrFIFO: a source that is neither file,
// directory nor symlink is an error, at once (a FIFO is never opened).
func TestCopyOutRefusesADeviceOrFIFO(t *testing.T) {
	root, dest := t.TempDir(), t.TempDir()
	require.NoError(t, unix.Mkfifo(filepath.Join(root, "fifo"), 0o666))
	err := copyOut(t, root, "/fifo", dest)
	assert.ErrorContains(t, err, "/fifo is a FIFO")
	assert.NoFileExists(t, filepath.Join(dest, "fifo"))
}
