package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

// entries reads a tar into name -> header.
func entries(t *testing.T, r io.Reader) map[string]*tar.Header {
	out := map[string]*tar.Header{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out[hdr.Name] = hdr
	}
}

func TestExportKeepsLinksModesAndFIFOs(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "bin"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "bin/busybox"), []byte("binary"), 0o755))
	require.NoError(t, os.Symlink("/bin/busybox", filepath.Join(src, "bin/sh")))
	require.NoError(t, os.Link(filepath.Join(src, "bin/busybox"), filepath.Join(src, "bin/ls")))
	require.NoError(t, os.WriteFile(filepath.Join(src, "secret"), []byte("s"), 0o600))
	require.NoError(t, os.Symlink("/etc", filepath.Join(src, "etc")))
	require.NoError(t, unix.Mkfifo(filepath.Join(src, "fifo"), 0o644))

	var buf bytes.Buffer
	require.NoError(t, Export(src, &buf), "a FIFO does not block the export")
	got := entries(t, bytes.NewReader(buf.Bytes()))

	assert.Equal(t, byte(tar.TypeSymlink), got["bin/sh"].Typeflag)
	assert.Equal(t, "/bin/busybox", got["bin/sh"].Linkname, "a symlink stays a symlink")
	assert.Equal(t, byte(tar.TypeLink), got["bin/ls"].Typeflag)
	assert.Equal(t, "bin/busybox", got["bin/ls"].Linkname, "a second name is a hard link to the first")
	assert.Equal(t, int64(0o600), got["secret"].Mode&0o777)
	assert.Equal(t, int64(0o755), got["bin/busybox"].Mode&0o777)
	assert.Equal(t, os.Getuid(), got["secret"].Uid)
	assert.Equal(t, byte(tar.TypeFifo), got["fifo"].Typeflag)
	assert.Equal(t, byte(tar.TypeSymlink), got["etc"].Typeflag, "never followed")
	for name := range got {
		assert.NotContains(t, name, "etc/", "nothing of the host's /etc")
	}
}

func TestExportLeavesOutWhatAMountShows(t *testing.T) {
	testutil.RequireRoot(t)
	src, host := t.TempDir(), t.TempDir()
	testutil.WriteFile(t, filepath.Join(host, "host-file"), "host data")
	require.NoError(t, os.Mkdir(filepath.Join(src, "data"), 0o700))
	testutil.WriteFile(t, filepath.Join(src, "secret"), "")
	// A directory volume and a file volume, as -v makes them.
	for target, source := range map[string]string{"data": host, "secret": filepath.Join(host, "host-file")} {
		target = filepath.Join(src, target)
		require.NoError(t, unix.Mount(source, target, "", unix.MS_BIND, ""))
		t.Cleanup(func() { _ = unix.Unmount(target, unix.MNT_DETACH) })
	}

	var buf bytes.Buffer
	require.NoError(t, Export(src, &buf))
	got := entries(t, bytes.NewReader(buf.Bytes()))

	assert.Contains(t, got, "data/", "a volume's mount point stays")
	assert.NotContains(t, got, "data/host-file", "a volume's content does not")
	require.Contains(t, got, "secret")
	assert.Equal(t, int64(0), got["secret"].Size, "a file volume is an empty placeholder")
	assert.NotContains(t, buf.String(), "host data")
}

func TestExportRoundTripsThroughUnpack(t *testing.T) {
	src := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(src, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "etc/motd"), []byte("hello"), 0o644))
	require.NoError(t, os.Symlink("motd", filepath.Join(src, "etc/link")))

	var buf bytes.Buffer
	require.NoError(t, Export(src, &buf))
	dst := t.TempDir()
	require.NoError(t, Unpack(&buf, dst))

	data, err := os.ReadFile(filepath.Join(dst, "etc/link"))
	require.NoError(t, err)
	assert.Equal(t, "hello", string(data))
}

func TestWriteAtomicallyLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "img.tar")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))

	err := WriteAtomically(path, func(w io.Writer) error {
		_, _ = w.Write([]byte("half"))
		return errors.New("disk on fire")
	})
	assert.Error(t, err)
	data, _ := os.ReadFile(path)
	assert.Equal(t, "old", string(data), "the old image is untouched")
	files, _ := os.ReadDir(dir)
	assert.Len(t, files, 1, "no temporary file left")

	require.NoError(t, WriteAtomically(path, func(w io.Writer) error {
		_, err := w.Write([]byte("new"))
		return err
	}))
	data, _ = os.ReadFile(path)
	assert.Equal(t, "new", string(data))
}
