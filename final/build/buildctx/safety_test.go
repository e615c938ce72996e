package buildctx

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRootfsSource: COPY --from reads a stage's or image's root filesystem,
// whose absolute symlinks mean that root (as inside the container), never
// the host's.
func TestRootfsSource(t *testing.T) {
	s := newSource(t, map[string]string{
		"bin/busybox":       "bb",
		"bin/sh":            "->/bin/busybox",
		"usr/lib/libc.so":   "libc",
		"lib":               "->/usr/lib",
		"etc/passwd":        "root:x:0:0::/root:/bin/sh",
		"etc/host-passwd":   "->/etc/passwd",
		"etc/climb":         "->../../../../../../etc/passwd",
		"loop/a":            "->b",
		"loop/b":            "->a",
		".dockerignore":     "bin", // not read: a rootfs has no ignore rules
		"app/inner/link":    "->/etc/passwd",
		"app/inner/file.go": "x",
	})
	tests := []struct {
		src     string
		want    string // content of /out
		wantErr string
	}{
		{src: "/bin/sh", want: "bb"},
		{src: "/lib/libc.so", want: "libc"},
		{src: "/l*/libc.so", want: "libc"},
		{src: "/etc/host-passwd", want: "root:x:0:0::/root:/bin/sh"},
		{src: "/etc/climb", want: "root:x:0:0::/root:/bin/sh"},
		{src: "/loop/a", wantErr: "too many levels of symbolic links"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			m, _, err := layer(t, s, CopySpec{Sources: []string{tt.src}, Dest: "/out", UID: -1, GID: -1}, image(nil))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, m["out"].body)
		})
	}
	// Symlinks below a copied directory stay links, whatever they point to.
	m, _, err := layer(t, s, CopySpec{Sources: []string{"/app"}, Dest: "/app", UID: -1, GID: -1}, image(nil))
	require.NoError(t, err)
	assert.Equal(t, "/etc/passwd", m["app/inner/link"].link)
	assert.Empty(t, m["app/inner/link"].body)
}

// TestNoFIFOHang: a FIFO in a context or image is never opened for reading
// (it would wait for a writer forever): skipped below a directory, an error
// when named. Each case must finish well within the timeout.
func TestNoFIFOHang(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"d/file": "f", "Dockerfile": "FROM x"})
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "d/fifo"), 0o644))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "Fifo.Dockerfile"), 0o644))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, ".dockerignore"), 0o644))
	done := make(chan struct{})
	go func() {
		defer close(done)
		s, err := OpenSource(dir, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer s.Close()
		m, _, err := layer(t, s, CopySpec{Sources: []string{"d"}, Dest: "/d", UID: -1, GID: -1}, image(nil))
		assert.NoError(t, err)
		assert.Equal(t, []string{"d/", "d/file"}, names(m))
		_, _, err = layer(t, s, CopySpec{Sources: []string{"fifo"}, Dest: "/d", UID: -1, GID: -1}, image(nil))
		assert.ErrorContains(t, err, "not a regular file")
		_, err = s.Checksum(CopySpec{Sources: []string{"fifo"}, Dest: "/d"})
		assert.ErrorContains(t, err, "not a regular file")
		_, err = OpenContext(dir, nil, t.TempDir(), filepath.Join(dir, "Fifo.Dockerfile"))
		assert.ErrorContains(t, err, "not a regular file")
		_, err = ReadDockerignore(dir, "")
		assert.ErrorContains(t, err, "not a regular file")
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO hung")
	}
}

// TestHardLinksCopiedAsFiles: two names of one inode are two files in the
// layer (a tar hard link would tie the layer to entry order).
func TestHardLinksCopiedAsFiles(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"a": "same"})
	require.NoError(t, os.Link(filepath.Join(dir, "a"), filepath.Join(dir, "b")))
	s, err := OpenSource(dir, nil)
	require.NoError(t, err)
	defer s.Close()
	m, _, err := layer(t, s, CopySpec{Sources: []string{"."}, Dest: "/x/", UID: -1, GID: -1}, image([]string{"/x"}))
	require.NoError(t, err)
	for _, n := range []string{"x/a", "x/b"} {
		assert.Equal(t, "same", m[n].body, n)
		assert.Equal(t, byte('0'), m[n].typ, n)
	}
}
