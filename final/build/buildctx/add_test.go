package buildctx

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/ulikunitz/xz"
)

// tarEntry is one entry for makeTar.
type tarEntry struct {
	name, body, link string
	typ              byte
	mode             int64
}

func makeTar(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ, mode := e.typ, e.mode
		if typ == 0 {
			typ = tar.TypeReg
		}
		if mode == 0 {
			mode = 0o644
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Mode: mode, Linkname: e.link, Size: int64(len(e.body)),
			ModTime: time.Unix(1.5e9, 0), Uid: 7, Gid: 8}
		if typ != tar.TypeReg {
			hdr.Size = 0
		}
		require.NoError(t, tw.WriteHeader(hdr))
		if hdr.Size > 0 {
			_, err := tw.Write([]byte(e.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

// compressWith compresses data as a .tar.<kind> would be.
func compressWith(t *testing.T, kind string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch kind {
	case "plain":
		return data
	case "gzip":
		w := gzip.NewWriter(&buf)
		_, err := w.Write(data)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	case "xz":
		w, err := xz.NewWriter(&buf)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	case "zstd":
		w, err := zstd.NewWriter(&buf)
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
		require.NoError(t, w.Close())
	case "bzip2":
		if _, err := exec.LookPath("bzip2"); err != nil {
			t.Skip("no bzip2 command to make a .tar.bz2")
		}
		cmd := exec.Command("bzip2", "-c")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		require.NoError(t, err)
		return out
	}
	return buf.Bytes()
}

var archiveEntries = []tarEntry{
	{name: "./", typ: tar.TypeDir, mode: 0o755},
	{name: "./etc/", typ: tar.TypeDir, mode: 0o755},
	{name: "./etc/conf", body: "conf"},
	{name: "/abs/file", body: "abs"},
	{name: "bin/tool", body: "tool", mode: 0o755},
	{name: "bin/alias", typ: tar.TypeSymlink, link: "tool"},
	{name: "bin/hard", typ: tar.TypeLink, link: "bin/tool"},
	{name: "dev/null", typ: tar.TypeChar},
}

// TestAddExtractsLocalTars: ADD of a local tar, whatever its compression,
// extracts it at Dest, merging with what is there.
func TestAddExtractsLocalTars(t *testing.T) {
	raw := makeTar(t, archiveEntries)
	for _, kind := range []string{"plain", "gzip", "bzip2", "xz", "zstd"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "rootfs.tar"), compressWith(t, kind, raw), 0o644))
			s, err := OpenSource(dir, nil)
			require.NoError(t, err)
			defer s.Close()
			spec := CopySpec{Sources: []string{"rootfs.tar"}, Dest: "/opt", UID: -1, GID: -1, Add: true}
			m, _, err := layer(t, s, spec, image([]string{"/opt", "/opt/etc"}))
			require.NoError(t, err)
			assert.Equal(t, []string{"opt/abs/", "opt/abs/file", "opt/bin/", "opt/bin/alias", "opt/bin/hard", "opt/bin/tool", "opt/etc/", "opt/etc/conf"}, names(m))
			assert.Equal(t, "conf", m["opt/etc/conf"].body)
			assert.Equal(t, int64(0o755), m["opt/bin/tool"].mode)
			assert.Equal(t, []int{7, 8}, []int{m["opt/bin/tool"].uid, m["opt/bin/tool"].gid}, "owners kept from the tar")
			assert.Equal(t, "opt/bin/tool", m["opt/bin/hard"].link, "hard link rebased under Dest")
			assert.Equal(t, "tool", m["opt/bin/alias"].link)
			assert.Equal(t, int64(0o755), m["opt/abs/"].mode, "missing parent created")

			spec.UID, spec.GID = 1, 2
			m, _, err = layer(t, s, spec, image([]string{"/opt"}))
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2}, []int{m["opt/bin/tool"].uid, m["opt/bin/tool"].gid}, "--chown wins")

			spec.Add = false
			m, _, err = layer(t, s, spec, image([]string{"/opt"}))
			require.NoError(t, err)
			assert.Equal(t, []string{"opt/rootfs.tar"}, names(m), "COPY does not extract")
		})
	}
}

// TestAddArchiveEdges: what ADD does not extract, and what it refuses.
func TestAddArchiveEdges(t *testing.T) {
	dir := t.TempDir()
	gzText := compressWith(t, "gzip", []byte("just text"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.gz"), gzText, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "evil.tar"), makeTar(t, []tarEntry{{name: "../../etc/x", body: "x"}}), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "evilhard.tar"), makeTar(t, []tarEntry{{name: "h", typ: tar.TypeLink, link: "../../etc/shadow"}}), 0o644))
	s, err := OpenSource(dir, nil)
	require.NoError(t, err)
	defer s.Close()

	m, _, err := layer(t, s, CopySpec{Sources: []string{"notes.gz"}, Dest: "/d/", Add: true}, image(nil))
	require.NoError(t, err)
	assert.Equal(t, string(gzText), m["d/notes.gz"].body, "a compressed non-tar is copied as is")

	_, _, err = layer(t, s, CopySpec{Sources: []string{"evil.tar"}, Dest: "/d/", Add: true}, image(nil))
	require.ErrorContains(t, err, "leaves the destination")
	_, _, err = layer(t, s, CopySpec{Sources: []string{"evilhard.tar"}, Dest: "/d/", Add: true}, image(nil))
	require.ErrorContains(t, err, "leaves the archive")
}

// TestAddURL: ADD fetches a URL (from a server on 127.0.0.1), names the file
// after the URL path, writes it 0600 dated by Last-Modified, and does not
// extract it even when it is a tar.
func TestAddURL(t *testing.T) {
	tarBody := makeTar(t, []tarEntry{{name: "x", body: "x"}})
	lastMod := time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC)
	body := "hello"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/files/hello.txt":
			w.Header().Set("Last-Modified", lastMod.Format(http.TimeFormat))
			w.Write([]byte(body))
		case "/a.tar":
			w.Write(tarBody)
		case "/":
			w.Header().Set("Content-Disposition", `attachment; filename="named.bin"`)
			w.Write([]byte("n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	s := newSource(t, map[string]string{"local": "l"})
	add := func(dest string, urls ...string) CopySpec {
		return CopySpec{Sources: urls, Dest: dest, UID: -1, GID: -1, Add: true, HTTPClient: srv.Client()}
	}

	m, _, err := layer(t, s, add("/d/", srv.URL+"/files/hello.txt", srv.URL+"/a.tar", srv.URL+"/", "local"), image(nil))
	require.NoError(t, err)
	assert.Equal(t, []string{"d/", "d/a.tar", "d/hello.txt", "d/local", "d/named.bin"}, names(m))
	h := m["d/hello.txt"]
	assert.Equal(t, "hello", h.body)
	assert.Equal(t, int64(0o600), h.mode)
	assert.True(t, h.mtime.Equal(lastMod), "mtime %v", h.mtime)
	assert.Equal(t, string(tarBody), m["d/a.tar"].body, "a URL is never extracted")

	m, _, err = layer(t, s, add("/etc/greeting", srv.URL+"/files/hello.txt"), image([]string{"/etc"}))
	require.NoError(t, err)
	assert.Equal(t, []string{"etc/greeting"}, names(m))

	_, _, err = layer(t, s, add("/d/", srv.URL+"/missing"), image(nil))
	require.ErrorContains(t, err, "404")

	// The checksum follows the body; WriteLayer writes what was hashed.
	spec := add("/d/", srv.URL+"/files/hello.txt")
	s1 := newSource(t, nil)
	sum1, err := s1.Checksum(spec)
	require.NoError(t, err)
	body = "changed"
	s2 := newSource(t, nil)
	sum2, err := s2.Checksum(spec)
	require.NoError(t, err)
	assert.NotEqual(t, sum1, sum2)
	m, _, err = layer(t, s1, spec, image(nil))
	require.NoError(t, err)
	assert.Equal(t, "hello", m["d/hello.txt"].body, "the body fetched for the checksum")
}

// TestURLClient: ADD's client follows redirects between http URLs, but
// not to another scheme, and not forever; and it keeps bodies in the
// build's own temporary directory.
func TestURLClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/file.txt", http.StatusFound)
		case "/file.txt":
			w.Write([]byte("there"))
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		default: // /loop/N redirects to /loop/N+1
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}
	}))
	defer srv.Close()
	tmp := t.TempDir()
	add := func(url string) CopySpec {
		return CopySpec{Sources: []string{url}, Dest: "/d/", UID: -1, GID: -1, Add: true, TempDir: tmp}
	}
	s := newSource(t, nil)
	m, _, err := layer(t, s, add(srv.URL+"/moved"), image(nil))
	require.NoError(t, err)
	assert.Equal(t, "there", m["d/moved"].body)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the body is kept under TempDir")
	_, err = newSource(t, nil).Checksum(add(srv.URL + "/to-file"))
	require.ErrorContains(t, err, "only http and https")
	_, err = newSource(t, nil).Checksum(add(srv.URL + "/loop"))
	require.ErrorContains(t, err, "stopped after 10 redirects")
}
