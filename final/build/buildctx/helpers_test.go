package buildctx

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tree writes files into dir: a name ending in "/" is a directory, a value
// starting with "->" a symlink, anything else a file's content.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		switch {
		case strings.HasSuffix(name, "/"):
			require.NoError(t, os.MkdirAll(p, 0o755))
			require.NoError(t, os.Chmod(p, 0o755)) // whatever the umask
		case strings.HasPrefix(content, "->"):
			require.NoError(t, os.Symlink(strings.TrimPrefix(content, "->"), p))
		default:
			require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
			require.NoError(t, os.Chmod(p, 0o644))
		}
	}
}

// newSource makes a tree and opens it with ignore rules.
func newSource(t *testing.T, files map[string]string, ignore ...string) *Source {
	t.Helper()
	dir := t.TempDir()
	tree(t, dir, files)
	s, err := OpenSource(dir, ignore)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// entry is what a layer holds at one path.
type entry struct {
	typ      byte
	mode     int64
	uid, gid int
	link     string
	body     string
	mtime    time.Time
}

// readLayer reads a tar into name -> entry, checking no name repeats.
func readLayer(t *testing.T, data []byte) (map[string]entry, []string) {
	t.Helper()
	out := map[string]entry{}
	var order []string
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, order
		}
		require.NoError(t, err)
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		_, dup := out[hdr.Name]
		require.False(t, dup, "duplicate entry %s", hdr.Name)
		out[hdr.Name] = entry{hdr.Typeflag, hdr.Mode, hdr.Uid, hdr.Gid, hdr.Linkname, string(body), hdr.ModTime}
		order = append(order, hdr.Name)
	}
}

// image is an exists func over a fixed set of paths ("/" is always a dir).
func image(dirs []string, files ...string) func(string) (bool, bool) {
	return func(p string) (bool, bool) {
		if p == "/" {
			return true, true
		}
		for _, d := range dirs {
			if d == p {
				return true, true
			}
		}
		for _, f := range files {
			if f == p {
				return false, true
			}
		}
		return false, false
	}
}

// layer runs WriteLayer and reads the result.
func layer(t *testing.T, s *Source, spec CopySpec, exists func(string) (bool, bool)) (map[string]entry, []string, error) {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WriteLayer(&buf, spec, exists); err != nil {
		return nil, nil, err
	}
	m, order := readLayer(t, buf.Bytes())
	return m, order, nil
}

// names lists a layer's entry names, sorted.
func names(m map[string]entry) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
