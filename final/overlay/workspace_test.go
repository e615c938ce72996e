package overlay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

func TestLayout(t *testing.T) {
	w := Workspace{Path: "/var/lib/mydocker/containers/abc/fs"}
	assert.Equal(t, "/var/lib/mydocker/containers/abc/fs", w.Dir())
	assert.Equal(t, "/var/lib/mydocker/containers/abc/fs/upper", w.Upper())
	assert.Equal(t, "/var/lib/mydocker/containers/abc/fs/work", w.Work())
	assert.Equal(t, "/var/lib/mydocker/containers/abc/fs/merged", w.Merged())
}

func TestCreateUnmountAndRemove(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	lower := filepath.Join(root, "lower")
	require.NoError(t, os.MkdirAll(lower, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(lower, "from-image"), []byte("x"), 0o644))
	w := Workspace{Path: filepath.Join(root, "fs")}

	require.NoError(t, w.Create([]string{lower}))
	t.Cleanup(func() { _ = w.Remove() })

	info, err := os.Stat(w.Dir())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "no other user reaches the layers")
	private, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(w.Dir()))
	require.NoError(t, err)
	require.Len(t, private, 1, "the workspace is a mount of its own")
	assert.NotContains(t, private[0].Optional, "shared", "and a private one")

	assert.FileExists(t, filepath.Join(w.Merged(), "from-image"), "the image shows through")
	require.NoError(t, os.WriteFile(filepath.Join(w.Merged(), "new"), []byte("y"), 0o644))
	assert.FileExists(t, filepath.Join(w.Upper(), "new"), "writes go to the upper layer")
	assert.NoFileExists(t, filepath.Join(lower, "new"), "never to the image")

	require.NoError(t, w.Unmount())
	mounted, err := IsMounted(w.Merged())
	require.NoError(t, err)
	assert.False(t, mounted)
	assert.FileExists(t, filepath.Join(w.Upper(), "new"), "the writable layer stays until the container is removed")

	layers, err := w.OpenLayers([]string{lower})
	require.NoError(t, err)
	names, err := layers.Readdirnames(-1)
	layers.Close()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"from-image", "new"}, names, "an exited container's files")
	mounted, err = IsMounted(w.Merged())
	require.NoError(t, err)
	assert.False(t, mounted, "and nothing stays mounted")

	require.NoError(t, w.Remove())
	assert.NoDirExists(t, w.Dir())
}
