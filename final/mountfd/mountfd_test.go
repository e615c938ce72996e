package mountfd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rootWith makes a root directory holding a decoy outside it, and opens it.
func rootWith(t *testing.T) (root *os.File, dir, decoy string) {
	base := t.TempDir()
	dir, decoy = filepath.Join(base, "root"), filepath.Join(base, "decoy")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	require.NoError(t, os.Mkdir(decoy, 0o755))
	root, err := OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { root.Close() })
	return root, dir, decoy
}

func TestOpenTargetFollowsSymlinksInsideTheRootOnly(t *testing.T) {
	root, dir, decoy := rootWith(t)
	// An absolute symlink to the host's decoy: made inside the root.
	require.NoError(t, os.Symlink(decoy, filepath.Join(dir, "link")))
	f, err := OpenTarget(root, "/link", Dir)
	require.NoError(t, err)
	f.Close()
	assert.DirExists(t, filepath.Join(dir, decoy))
	entries, _ := os.ReadDir(decoy)
	assert.Empty(t, entries, "nothing made in the host's decoy")
	// A dangling relative symlink of a file (resolv.conf's): made where it leads.
	require.NoError(t, os.Symlink("../run/resolve/stub.conf", filepath.Join(dir, "etc/resolv.conf")))
	f, err = OpenTarget(root, "/etc/resolv.conf", File)
	require.NoError(t, err)
	f.Close()
	assert.FileExists(t, filepath.Join(dir, "run/resolve/stub.conf"))
	// ".." cannot climb out.
	f, err = OpenTarget(root, "/../../x", Dir)
	require.NoError(t, err)
	f.Close()
	assert.DirExists(t, filepath.Join(dir, "x"))
}

func TestOpenTargetRefusesTheRoot(t *testing.T) {
	root, dir, _ := rootWith(t)
	require.NoError(t, os.Symlink("/", filepath.Join(dir, "slash")))
	require.NoError(t, os.Symlink("../..", filepath.Join(dir, "etc", "up")))
	for _, p := range []string{"/", "/slash", "/etc/up", "/etc/.."} {
		_, err := OpenTarget(root, p, Dir)
		assert.ErrorContains(t, err, "is the container's root", p)
	}
}

func TestOpenTargetChecksTheKind(t *testing.T) {
	root, dir, _ := rootWith(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "file"), nil, 0o644))
	_, err := OpenTarget(root, "/file", Dir)
	assert.ErrorContains(t, err, "not a directory")
	_, err = OpenTarget(root, "/etc", File)
	assert.ErrorContains(t, err, "not a file")
}

func TestOpenParentRefusesWhatIsNoName(t *testing.T) {
	root, _, _ := rootWith(t)
	for _, p := range []string{"/", "", "/..", "/etc/.."} {
		_, _, err := OpenParent(root, p)
		assert.Error(t, err, p)
	}
	dir, name, err := OpenParent(root, "/etc/../etc/hosts")
	require.NoError(t, err)
	dir.Close()
	assert.Equal(t, "hosts", name)
}

func TestIsDevNull(t *testing.T) {
	null, err := os.Open("/dev/null")
	require.NoError(t, err)
	defer null.Close()
	assert.True(t, IsDevNull(null))
	zero, err := os.Open("/dev/zero")
	require.NoError(t, err)
	defer zero.Close()
	assert.False(t, IsDevNull(zero))
	// A symlink to /dev/null, opened without following, is not it.
	root, dir, _ := rootWith(t)
	require.NoError(t, os.Symlink("/dev/null", filepath.Join(dir, "null")))
	link, err := OpenNoFollow(root, "null")
	require.NoError(t, err)
	defer link.Close()
	assert.False(t, IsDevNull(link))
}

func TestSplitOptions(t *testing.T) {
	assert.Equal(t, []string{"mode=755", "size=64k", "newinstance"}, splitOptions("mode=755,,size=64k,newinstance"))
	assert.Empty(t, splitOptions(""))
}
