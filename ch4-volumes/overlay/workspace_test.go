package overlay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/ch4-volumes/internal/testutil"
)

func TestLayout(t *testing.T) {
	w := Workspace{Path: "/var/lib/mydocker/overlay"}
	assert.Equal(t, "/var/lib/mydocker/overlay", w.Dir())
	assert.Equal(t, "/var/lib/mydocker/overlay/upper", w.Upper())
	assert.Equal(t, "/var/lib/mydocker/overlay/work", w.Work())
	assert.Equal(t, "/var/lib/mydocker/overlay/merged", w.Merged())
}

func TestCreateAndRemove(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	lower := filepath.Join(root, "lower")
	require.NoError(t, os.MkdirAll(lower, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(lower, "from-image"), []byte("x"), 0o644))
	w := Workspace{Path: filepath.Join(root, "fs")}

	require.NoError(t, w.Create("abc", lower))
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
	id, found := w.LeftoverID()
	assert.True(t, found)
	assert.Equal(t, "abc", id)

	require.NoError(t, w.Remove())
	mounted, err := IsMounted(w.Merged())
	require.NoError(t, err)
	assert.False(t, mounted)
	assert.NoDirExists(t, w.Dir())
	_, found = w.LeftoverID()
	assert.False(t, found)
}

func TestLockIsExclusive(t *testing.T) {
	root := t.TempDir()
	first, err := TryLock(root)
	require.NoError(t, err)

	_, err = TryLock(root)
	assert.ErrorContains(t, err, "one container at a time")

	first.Unlock()
	again, err := TryLock(root)
	require.NoError(t, err)
	again.Unlock()
}
