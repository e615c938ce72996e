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

func TestParseVolume(t *testing.T) {
	for spec, want := range map[string]Volume{
		"/root/volume:/containerVolume": {Host: "/root/volume", Container: "/containerVolume"},
		"/a:/b:ro":                      {Host: "/a", Container: "/b", ReadOnly: true},
		"/a:/b:rw":                      {Host: "/a", Container: "/b"},
		"/a/../c/:/b//d/":               {Host: "/c", Container: "/b/d"},
		"/with,comma:/x":                {Host: "/with,comma", Container: "/x"},
	} {
		got, err := ParseVolume(spec)
		require.NoError(t, err, spec)
		assert.Equal(t, want, got, spec)
	}
}

func TestParseVolumeRefuses(t *testing.T) {
	for _, spec := range []string{
		"/a", "a:b", "/a:b", "a:/b", "/a:/b:rw:x", "/a:/b:rx", ":/b", "/a:", ":", "", "/a:/", "/a:/b/..",
	} {
		_, err := ParseVolume(spec)
		assert.Error(t, err, spec)
	}
	_, err := ParseVolume("/a")
	assert.EqualError(t, err, `invalid volume "/a": want two or three parts separated by ':' (want /host/dir:/container/dir[:ro])`)
}

// sharedHostDir makes dir a shared mount with a tmpfs mounted at dir/sub,
// as a host directory is on a systemd machine, whose "/" is shared.
func sharedHostDir(t *testing.T, dir string) {
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, unix.Mount(dir, dir, "", unix.MS_BIND, ""))
	t.Cleanup(func() { _ = unix.Unmount(dir, unix.MNT_DETACH) })
	require.NoError(t, unix.Mount("", dir, "", unix.MS_SHARED, ""))
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	require.NoError(t, unix.Mount("tmpfs", sub, "tmpfs", 0, "size=1m"))
	t.Cleanup(func() { _ = unix.Unmount(sub, unix.MNT_DETACH) })
	require.NoError(t, os.WriteFile(filepath.Join(sub, "precious"), []byte("data"), 0o644))
}

// workspaceBesideASharedHost creates a workspace, and a shared host
// directory (sharedHostDir) beside it.
func workspaceBesideASharedHost(t *testing.T) (Workspace, string) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	w := Workspace{Path: filepath.Join(dir, "fs")}
	lower := filepath.Join(dir, "lower")
	require.NoError(t, os.MkdirAll(lower, 0o755))
	host := filepath.Join(dir, "host")
	sharedHostDir(t, host)
	require.NoError(t, w.Create([]string{lower}))
	t.Cleanup(func() { _ = w.Remove() })
	return w, host
}

func TestVolumesStayTheContainersOnASharedHost(t *testing.T) {
	w, host := workspaceBesideASharedHost(t)
	other := filepath.Join(filepath.Dir(w.Path), "other")
	t.Cleanup(func() { _ = unix.Unmount(filepath.Join(host, "inner"), unix.MNT_DETACH) })

	require.NoError(t, w.MountVolumes([]Volume{
		{Host: host, Container: "/data"},
		{Host: other, Container: "/data/inner"},
	}))

	mounted, err := IsMounted(filepath.Join(host, "inner"))
	require.NoError(t, err)
	assert.False(t, mounted, "the inner volume does not show in the host's directory")
	require.NoError(t, w.Remove())
	mounted, err = IsMounted(filepath.Join(host, "sub"))
	require.NoError(t, err)
	assert.True(t, mounted, "unmounting the container's copy left the host's own mount alone")
	assert.FileExists(t, filepath.Join(host, "sub", "precious"))
}

func TestReadOnlyVolumeIsReadOnlyToTheBottom(t *testing.T) {
	w, host := workspaceBesideASharedHost(t)

	require.NoError(t, w.MountVolumes([]Volume{{Host: host, Container: "/ro", ReadOnly: true}}))

	for _, path := range []string{"/ro/f", "/ro/sub/f"} {
		err := os.WriteFile(filepath.Join(w.Merged(), path), []byte("x"), 0o644)
		assert.ErrorIs(t, err, unix.EROFS, path)
	}
	require.NoError(t, os.WriteFile(filepath.Join(host, "sub", "f"), []byte("x"), 0o644), "the host's mount stays writable")
}

func TestVolumeStaysInsideASymlinkedRoot(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	w := Workspace{Path: filepath.Join(dir, "fs")}
	lower := filepath.Join(dir, "lower")
	require.NoError(t, os.MkdirAll(filepath.Join(lower, "etc"), 0o755))
	// The image's /data points at /etc: it must be the image's /etc.
	require.NoError(t, os.Symlink("/etc", filepath.Join(lower, "data")))
	host := filepath.Join(dir, "host")
	require.NoError(t, w.Create([]string{lower}))
	t.Cleanup(func() { _ = w.Remove() })

	require.NoError(t, w.MountVolumes([]Volume{{Host: host, Container: "/data/sub"}}))

	mounted, err := IsMounted(filepath.Join(w.Merged(), "etc/sub"))
	require.NoError(t, err)
	assert.True(t, mounted, "the volume is on the image's /etc/sub")
	assert.NoDirExists(t, "/etc/sub", "never on the host's")

	require.NoError(t, os.WriteFile(filepath.Join(host, "kept"), []byte("data"), 0o644))
	require.NoError(t, w.Remove())
	assert.FileExists(t, filepath.Join(host, "kept"), "the host's data survives the removal")
}

func TestRemoveStopsWhenAVolumeIsBusy(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	w := Workspace{Path: filepath.Join(dir, "fs")}
	lower := filepath.Join(dir, "lower")
	require.NoError(t, os.MkdirAll(lower, 0o755))
	host := filepath.Join(dir, "host")
	require.NoError(t, w.Create([]string{lower}))
	require.NoError(t, w.MountVolumes([]Volume{{Host: host, Container: "/data"}}))
	require.NoError(t, os.WriteFile(filepath.Join(host, "kept"), []byte("data"), 0o644))

	// Our working directory inside the volume keeps it busy: its unmount
	// fails with EBUSY.
	target := filepath.Join(w.Merged(), "data")
	busy, err := os.Open(target)
	require.NoError(t, err)
	require.NoError(t, unix.Chdir(target))
	t.Cleanup(func() {
		_ = unix.Chdir("/")
		busy.Close()
		_ = w.Remove()
	})

	err = w.Remove()
	assert.ErrorContains(t, err, "nothing removed")
	assert.FileExists(t, filepath.Join(host, "kept"), "the host's data is intact")
	assert.DirExists(t, w.Upper(), "nothing of the workspace was deleted")
}
