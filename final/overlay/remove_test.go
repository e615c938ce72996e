package overlay

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

func TestRemoveAllRemovesATreeAndNeverFollowsSymlinks(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	require.NoError(t, os.Mkdir(outside, 0o755))
	testutil.WriteFile(t, filepath.Join(outside, "keep"), "keep")
	dir := filepath.Join(base, "dir")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a/b/c"), 0o755))
	testutil.WriteFile(t, filepath.Join(dir, "a/b/c/f"), "x")
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "a/link")))

	require.NoError(t, removeAll(dir))

	assert.NoDirExists(t, dir)
	assert.FileExists(t, filepath.Join(outside, "keep"), "a symlink is removed, not followed")
	assert.NoError(t, removeAll(dir), "a missing directory is no error")
}

// bindOnto binds source onto target and unmounts it when the test ends.
func bindOnto(t *testing.T, source, target string) {
	require.NoError(t, unix.Mount(source, target, "", unix.MS_BIND, ""))
	t.Cleanup(func() { _ = unix.Unmount(target, unix.MNT_DETACH) })
}

func TestRemoveAllStopsAtAMountPoint(t *testing.T) {
	testutil.RequireRoot(t)
	for name, fileVolume := range map[string]bool{"directory": false, "file": true} {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			host := filepath.Join(base, "host")
			require.NoError(t, os.Mkdir(host, 0o755))
			testutil.WriteFile(t, filepath.Join(host, "precious"), "data")
			dir := filepath.Join(base, "dir")
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
			target := filepath.Join(dir, "sub", "volume")
			source := host
			if fileVolume {
				source = filepath.Join(host, "precious")
				testutil.WriteFile(t, target, "")
			} else {
				require.NoError(t, os.Mkdir(target, 0o755))
			}
			// A bind mount of the same filesystem: only the mount ID tells
			// it apart, not the device.
			bindOnto(t, source, target)

			err := removeAll(dir)

			assert.ErrorContains(t, err, "mount point")
			assert.Equal(t, "data", testutil.ReadFile(t, filepath.Join(host, "precious")))
		})
	}
}

func TestRemoveAllRefusesADirectoryThatIsAMountPoint(t *testing.T) {
	testutil.RequireRoot(t)
	dir := filepath.Join(t.TempDir(), "dir")
	require.NoError(t, os.Mkdir(dir, 0o755))
	testutil.WriteFile(t, filepath.Join(dir, "f"), "x")
	bindOnto(t, dir, dir)

	assert.ErrorContains(t, removeAll(dir), "mount point")
	assert.FileExists(t, filepath.Join(dir, "f"))
}
