package overlay

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch4-volumes/internal/testutil"
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
	require.NoError(t, w.Create("abc", lower))
	t.Cleanup(func() { _ = w.Remove() })
	return w, host
}

// inMountNamespace runs f as init runs MountVolumes: on a thread of its
// own in a new mount namespace whose mounts are all private. The thread is
// never unlocked, so it ends with the goroutine and the namespace with it.
func inMountNamespace(t *testing.T, f func() error) {
	errc := make(chan error)
	go func() {
		runtime.LockOSThread()
		err := unix.Unshare(unix.CLONE_NEWNS)
		if err == nil {
			err = unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, "")
		}
		if err == nil {
			err = f()
		}
		errc <- err
	}()
	require.NoError(t, <-errc)
}

func TestVolumesNeverShowOnTheHost(t *testing.T) {
	w, host := workspaceBesideASharedHost(t)
	other := filepath.Join(filepath.Dir(w.Path), "other")
	require.NoError(t, os.MkdirAll(other, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(other, "f"), []byte("inner"), 0o644))

	inMountNamespace(t, func() error {
		err := MountVolumes(w.Merged(), []Volume{
			{Host: host, Container: "/data"},
			{Host: other, Container: "/data/inner"},
		})
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(w.Merged(), "data/inner/f"))
		assert.Equal(t, "inner", string(b), "the container sees its volumes")
		assert.FileExists(t, filepath.Join(w.Merged(), "data/sub/precious"), "and the mounts inside them")
		return err
	})

	mounts, err := mountsUnder(w.Dir())
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{w.Dir(), w.Merged()}, mounts, "the host's mount table has no volume")
	require.NoError(t, w.Remove())
	assert.FileExists(t, filepath.Join(host, "sub", "precious"))
}

func TestReadOnlyVolumeIsReadOnlyToTheBottom(t *testing.T) {
	w, host := workspaceBesideASharedHost(t)

	inMountNamespace(t, func() error {
		if err := MountVolumes(w.Merged(), []Volume{{Host: host, Container: "/ro", ReadOnly: true}}); err != nil {
			return err
		}
		for _, path := range []string{"/ro/f", "/ro/sub/f"} {
			err := os.WriteFile(filepath.Join(w.Merged(), path), []byte("x"), 0o644)
			assert.ErrorIs(t, err, unix.EROFS, path)
		}
		return nil
	})
	require.NoError(t, os.WriteFile(filepath.Join(host, "sub", "f"), []byte("x"), 0o644), "the host's mount stays writable")
}

// symlinkedWorkspace is a workspace whose image has /data -> link.
func symlinkedWorkspace(t *testing.T, link string) Workspace {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	w := Workspace{Path: filepath.Join(dir, "fs")}
	lower := filepath.Join(dir, "lower")
	require.NoError(t, os.MkdirAll(filepath.Join(lower, "etc"), 0o755))
	require.NoError(t, os.Symlink(link, filepath.Join(lower, "data")))
	require.NoError(t, w.Create("abc", lower))
	t.Cleanup(func() { _ = w.Remove() })
	return w
}

func TestVolumeStaysInsideASymlinkedRoot(t *testing.T) {
	// The image's /data points at /etc: it must be the image's /etc.
	w := symlinkedWorkspace(t, "/etc")
	host := filepath.Join(filepath.Dir(w.Path), "host")
	require.NoError(t, os.MkdirAll(host, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(host, "kept"), []byte("data"), 0o644))

	inMountNamespace(t, func() error {
		if err := MountVolumes(w.Merged(), []Volume{{Host: host, Container: "/data/sub"}}); err != nil {
			return err
		}
		assert.FileExists(t, filepath.Join(w.Merged(), "etc/sub/kept"), "the volume is on the image's /etc/sub")
		return nil
	})
	assert.NoDirExists(t, "/etc/sub", "never on the host's")
	require.NoError(t, w.Remove())
	assert.FileExists(t, filepath.Join(host, "kept"), "the host's data survives the removal")
}

func TestVolumeOnASymlinkToAHostPathStaysInside(t *testing.T) {
	// What a container sharing a volume can swap in: an absolute symlink
	// to a host directory. Resolved in the root, it names the container's.
	decoy := t.TempDir()
	w := symlinkedWorkspace(t, decoy)
	host := filepath.Join(filepath.Dir(w.Path), "host")
	require.NoError(t, os.MkdirAll(host, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(host, "marker"), []byte("x"), 0o644))

	inMountNamespace(t, func() error {
		// Refused (a dangling link is no directory to mount on) or bound
		// inside the root: either way, never on the host's directory.
		_ = MountVolumes(w.Merged(), []Volume{{Host: host, Container: "/data"}})
		return nil
	})
	assert.NoFileExists(t, filepath.Join(decoy, "marker"))
	mounted, err := IsMounted(decoy)
	require.NoError(t, err)
	assert.False(t, mounted)
}

func TestFileVolumeAndTypeMismatch(t *testing.T) {
	w, host := workspaceBesideASharedHost(t)
	file := filepath.Join(filepath.Dir(w.Path), "file")
	require.NoError(t, os.WriteFile(file, []byte("one file"), 0o644))

	inMountNamespace(t, func() error {
		if err := MountVolumes(w.Merged(), []Volume{{Host: file, Container: "/etc/f"}}); err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(w.Merged(), "etc/f"))
		assert.Equal(t, "one file", string(b))
		assert.ErrorContains(t, MountVolumes(w.Merged(), []Volume{{Host: host, Container: "/etc/f"}}), "not a directory")
		assert.ErrorContains(t, MountVolumes(w.Merged(), []Volume{{Host: file, Container: "/etc"}}), "not of the host side's type")
		return err
	})
}

func TestRemoveStopsWhenTheWorkspaceIsBusy(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	w := Workspace{Path: filepath.Join(dir, "fs")}
	lower := filepath.Join(dir, "lower")
	require.NoError(t, os.MkdirAll(lower, 0o755))
	require.NoError(t, w.Create("abc", lower))
	require.NoError(t, os.WriteFile(filepath.Join(w.Merged(), "kept"), []byte("data"), 0o644))

	// Our working directory inside the overlay keeps it busy: its unmount
	// fails with EBUSY.
	busy, err := os.Open(w.Merged())
	require.NoError(t, err)
	require.NoError(t, unix.Chdir(w.Merged()))
	t.Cleanup(func() {
		_ = unix.Chdir("/")
		busy.Close()
		_ = w.Remove()
	})

	err = w.Remove()
	assert.ErrorContains(t, err, "nothing removed")
	assert.DirExists(t, w.Upper(), "nothing of the workspace was deleted")
}
