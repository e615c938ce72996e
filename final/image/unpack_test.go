package image

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

// tarOf builds a tar stream from headers; a regular file's body is its
// Linkname field, to keep the tables short.
func tarOf(t testing.TB, hdrs ...*tar.Header) *bytes.Buffer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hdrs {
		body := ""
		if h.Typeflag == tar.TypeReg {
			body, h.Linkname = h.Linkname, ""
			h.Size = int64(len(body))
		}
		if h.ModTime.IsZero() {
			h.ModTime = time.Unix(1700000000, 0)
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := tw.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return &buf
}

func dir(name string, mode int64) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: mode}
}
func file(name, body string, mode int64) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Linkname: body}
}
func symlink(name, target string) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777}
}
func hardlink(name, target string) *tar.Header {
	return &tar.Header{Name: name, Typeflag: tar.TypeLink, Linkname: target}
}

func TestUnpackKeepsFilesLinksAndModes(t *testing.T) {
	dst := t.TempDir()
	r := tarOf(t,
		dir("./", 0o755),
		dir("./bin/", 0o755),
		file("./bin/busybox", "#!binary", 0o755),
		symlink("./bin/sh", "busybox"),
		symlink("./bin/abs", "/bin/busybox"),
		hardlink("./bin/ls", "bin/busybox"),
		dir("./tmp/", 0o1777),
		file("./etc/shadow", "secret", 0o600),
		file("usr/bin/su", "suid", 0o4755),
	)
	require.NoError(t, Unpack(r, dst))

	data, err := os.ReadFile(filepath.Join(dst, "bin/busybox"))
	require.NoError(t, err)
	assert.Equal(t, "#!binary", string(data))

	target, err := os.Readlink(filepath.Join(dst, "bin/sh"))
	require.NoError(t, err)
	assert.Equal(t, "busybox", target)
	target, err = os.Readlink(filepath.Join(dst, "bin/abs"))
	require.NoError(t, err)
	assert.Equal(t, "/bin/busybox", target, "an absolute symlink stays as it is, resolved in the container")

	a, _ := os.Stat(filepath.Join(dst, "bin/busybox"))
	b, _ := os.Stat(filepath.Join(dst, "bin/ls"))
	assert.True(t, os.SameFile(a, b), "a hard link is the same file")

	mode := func(p string) os.FileMode {
		st, err := os.Lstat(filepath.Join(dst, p))
		require.NoError(t, err)
		return st.Mode()
	}
	assert.Equal(t, os.FileMode(0o755), mode("bin/busybox").Perm())
	assert.Equal(t, os.FileMode(0o600), mode("etc/shadow").Perm())
	assert.NotZero(t, mode("tmp")&os.ModeSticky, "the sticky bit of /tmp")
	if os.Geteuid() == 0 {
		assert.NotZero(t, mode("usr/bin/su")&os.ModeSetuid, "set-uid survives the chown")
	}
	st, _ := os.Stat(filepath.Join(dst, "bin/busybox"))
	assert.Equal(t, int64(1700000000), st.ModTime().Unix())
}

// TestUnpackRefusesEscapes points every escape at a directory the test
// owns, so that it would succeed there if the check were missing, also when
// the test does not run as root (a symlink to the real /etc could not be
// written through anyway, and the test would pass for the wrong reason).
func TestUnpackRefusesEscapes(t *testing.T) {
	for name, tc := range map[string]struct {
		hdrs func(outside string) []*tar.Header
		want string
	}{
		"name with ..": {func(string) []*tar.Header {
			return []*tar.Header{file("../evil", "x", 0o644)}
		}, "climbs out of the image"},
		"nested ..": {func(string) []*tar.Header {
			return []*tar.Header{dir("a/", 0o755), file("a/../../evil", "x", 0o644)}
		}, "climbs out of the image"},
		"hard link with ..": {func(string) []*tar.Header {
			return []*tar.Header{hardlink("evil", "../secret")}
		}, "leaves the image"},
		"hard link absolute": {func(outside string) []*tar.Header {
			return []*tar.Header{hardlink("evil", outside+"/secret")}
		}, "leaves the image"},
		"write through a symlink": {func(outside string) []*tar.Header {
			return []*tar.Header{symlink("etc", outside+"/target"), file("etc/evil", "x", 0o644)}
		}, "goes through the symlink etc"},
		"whiteout through a symlink": {func(outside string) []*tar.Header {
			return []*tar.Header{symlink("d", outside), file("d/.wh.secret", "", 0o644)}
		}, "goes through the symlink d"},
		"opaque whiteout through a symlink": {func(outside string) []*tar.Header {
			return []*tar.Header{symlink("d", outside+"/target"), file("d/.wh..wh..opq", "", 0o644)}
		}, "goes through the symlink d"},
		"symlink then a directory": {func(outside string) []*tar.Header {
			return []*tar.Header{symlink("d", outside+"/target"), dir("d/evil/", 0o755)}
		}, "goes through the symlink d"},
	} {
		t.Run(name, func(t *testing.T) {
			outside := t.TempDir()
			dst := filepath.Join(outside, "layer")
			require.NoError(t, os.Mkdir(dst, 0o755))
			require.NoError(t, os.Mkdir(filepath.Join(outside, "target"), 0o777))
			testutil.WriteFile(t, filepath.Join(outside, "secret"), "secret")

			err := Unpack(tarOf(t, tc.hdrs(outside)...), dst)

			assert.ErrorContains(t, err, tc.want)
			assert.NoFileExists(t, filepath.Join(outside, "evil"))
			assert.NoFileExists(t, filepath.Join(outside, "target", "evil"))
			assert.NoDirExists(t, filepath.Join(outside, "target", "evil"))
			assert.NoFileExists(t, filepath.Join(dst, "evil"))
			assert.Equal(t, "secret", testutil.ReadFile(t, filepath.Join(outside, "secret")))
			_, err = unix.Lgetxattr(filepath.Join(outside, "target"), opaqueXattr, make([]byte, 8))
			assert.Error(t, err, "no opaque mark outside the layer")
		})
	}
}

func TestUnpackAbsoluteNamesStayInside(t *testing.T) {
	dst := t.TempDir()
	require.NoError(t, Unpack(tarOf(t, file("/etc/motd", "hi", 0o644)), dst))
	assert.FileExists(t, filepath.Join(dst, "etc/motd"))
}

func TestUnpackRefusesGarbage(t *testing.T) {
	err := Unpack(bytes.NewBufferString("this is not a tar file, not at all, no.............................."), t.TempDir())
	assert.ErrorContains(t, err, "read tar")
}

// TestUnpackRefusesWhiteoutsOfNoFile: ".wh." names nothing, ".wh.." the
// directory it is in, ".wh..." its parent. Unpacked where the layer is a
// directory of tmp/ (as the store does), they would remove the layer or
// tmp/ itself; the test gives both a file that must stay.
func TestUnpackRefusesWhiteoutsOfNoFile(t *testing.T) {
	for _, name := range []string{".wh.", ".wh..", ".wh...", "./.wh...", "dir/.wh..", "dir/.wh...", "a/b/.wh..."} {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			dst := filepath.Join(tmp, "layer")
			require.NoError(t, os.Mkdir(dst, 0o755))
			testutil.WriteFile(t, filepath.Join(tmp, "keep"), "keep")

			err := Unpack(tarOf(t, dir("dir/", 0o755), file("dir/keep", "keep", 0o644), dir("a/b/", 0o755), file(name, "", 0o644)), dst)

			assert.ErrorContains(t, err, "whiteout")
			assert.ErrorContains(t, err, "names no file of its directory")
			assert.FileExists(t, filepath.Join(tmp, "keep"), "the directory above the layer")
			assert.FileExists(t, filepath.Join(dst, "dir/keep"), "the layer's own files")
			assert.DirExists(t, filepath.Join(dst, "a/b"))
		})
	}
}

// TestUnpackWhiteoutsStayInTheirDirectory: a whiteout of a file, and an
// opaque marker, act on the directory they are in, and the aufs
// bookkeeping names are left out.
func TestUnpackWhiteoutsStayInTheirDirectory(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("whiteouts are character devices: root only")
	}
	dst := t.TempDir()
	require.NoError(t, Unpack(tarOf(t,
		dir("d/", 0o755), file("d/gone", "x", 0o644), file("d/.wh.gone", "", 0o644),
		file("d/.wh..wh..opq", "", 0o644), file(".wh..wh.plnk", "", 0o644),
		file("d/.wh.x..", "", 0o644),
	), dst))
	st, err := os.Lstat(filepath.Join(dst, "d/gone"))
	require.NoError(t, err)
	assert.Equal(t, os.ModeDevice|os.ModeCharDevice, st.Mode().Type())
	assert.FileExists(t, filepath.Join(dst, "d/x.."), "x.. is a file name like any")
	assert.NoFileExists(t, filepath.Join(dst, ".wh..wh.plnk"))
}
