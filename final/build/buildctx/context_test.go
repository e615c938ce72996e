package buildctx

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contextFiles sees a context as COPY . does.
func contextFiles(t *testing.T, ctx *Context) []string {
	t.Helper()
	m, _, err := layer(t, ctx.Source, CopySpec{Sources: []string{"."}, Dest: "/c/", UID: -1, GID: -1}, image([]string{"/c"}))
	require.NoError(t, err)
	return names(m)
}

// TestOpenContext: the forms of docker build's CONTEXT argument and -f.
func TestOpenContext(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"Dockerfile": "FROM a", "sub/other.Dockerfile": "FROM b", "f.txt": "f"})
	outside := filepath.Join(t.TempDir(), "Outside.Dockerfile")
	require.NoError(t, os.WriteFile(outside, []byte("FROM out"), 0o644))
	lower := t.TempDir()
	tree(t, lower, map[string]string{"dockerfile": "FROM lower"})
	ctxTar := makeTar(t, []tarEntry{{name: "Dockerfile", body: "FROM tar"}, {name: "alt/Dockerfile", body: "FROM alt"}, {name: "g.txt", body: "g"}})
	tarFile := filepath.Join(t.TempDir(), "ctx.tar.gz")
	require.NoError(t, os.WriteFile(tarFile, compressWith(t, "gzip", ctxTar), 0o644))

	tests := []struct {
		name       string
		arg        string
		stdin      []byte
		dockerfile string
		want       string   // Dockerfile content
		files      []string // COPY . /c/
		wantErr    string
	}{
		{name: "a directory", arg: dir, want: "FROM a", files: []string{"c/Dockerfile", "c/f.txt", "c/sub/", "c/sub/other.Dockerfile"}},
		{name: "-f inside the directory", arg: dir, dockerfile: filepath.Join(dir, "sub/other.Dockerfile"), want: "FROM b"},
		{name: "-f outside the directory", arg: dir, dockerfile: outside, want: "FROM out"},
		{name: "lower-case dockerfile", arg: lower, want: "FROM lower"},
		{name: "-f - with a directory", arg: dir, dockerfile: "-", stdin: []byte("FROM stdin"), want: "FROM stdin"},
		{name: "a Dockerfile on stdin", arg: "-", stdin: []byte("FROM stdin\nRUN true\n"), want: "FROM stdin\nRUN true\n", files: nil},
		{name: "a tar on stdin", arg: "-", stdin: ctxTar, want: "FROM tar", files: []string{"c/Dockerfile", "c/alt/", "c/alt/Dockerfile", "c/g.txt"}},
		{name: "a gzip tar on stdin with -f", arg: "-", stdin: compressWith(t, "gzip", ctxTar), dockerfile: "alt/Dockerfile", want: "FROM alt"},
		{name: "a tar file", arg: tarFile, want: "FROM tar", files: []string{"c/Dockerfile", "c/alt/", "c/alt/Dockerfile", "c/g.txt"}},
		{name: "stdin twice", arg: "-", dockerfile: "-", wantErr: "can't use stdin for both build context and dockerfile"},
		{name: "no such path", arg: filepath.Join(dir, "nope"), wantErr: "unable to prepare context: path"},
		{name: "no Dockerfile", arg: t.TempDir(), wantErr: "Dockerfile"},
		{name: "-f missing", arg: dir, dockerfile: filepath.Join(dir, "nope"), wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpRoot := t.TempDir()
			ctx, err := OpenContext(tt.arg, bytes.NewReader(tt.stdin), tmpRoot, tt.dockerfile)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				left, _ := os.ReadDir(tmpRoot)
				assert.Empty(t, left, "a failed open leaves no temp dir")
				return
			}
			require.NoError(t, err)
			df, err := ctx.Dockerfile()
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(df))
			if tt.files != nil || tt.arg == "-" && !isArchive(tt.stdin) {
				assert.Equal(t, tt.files, contextFiles(t, ctx))
			}
			require.NoError(t, ctx.Close())
			left, _ := os.ReadDir(tmpRoot)
			assert.Empty(t, left, "Close removes the unpacked context")
		})
	}
}

// TestUnsafeContextTars: a context tar cannot write outside its temp dir,
// nor leave a device or a FIFO behind.
func TestUnsafeContextTars(t *testing.T) {
	tests := []struct {
		name    string
		entries []tarEntry
		wantErr string
		files   []string
	}{
		{name: "absolute path", entries: []tarEntry{{name: "/etc/evil", body: "x"}}, wantErr: "absolute path"},
		{name: "dotdot", entries: []tarEntry{{name: "a/../../evil", body: "x"}}, wantErr: "outside the context"},
		{name: "write through an absolute symlink", wantErr: "context archive",
			entries: []tarEntry{{name: "l", typ: tar.TypeSymlink, link: "VICTIM"}, {name: "l/evil", body: "x"}}},
		{name: "write through a climbing symlink", wantErr: "context archive",
			entries: []tarEntry{{name: "l", typ: tar.TypeSymlink, link: "../../.."}, {name: "l/evil", body: "x"}}},
		{name: "hard link out", wantErr: "outside the context",
			entries: []tarEntry{{name: "h", typ: tar.TypeLink, link: "../../etc/passwd"}}},
		{name: "devices and FIFOs are dropped", files: []string{"c/Dockerfile", "c/h", "c/l"},
			entries: []tarEntry{{name: "Dockerfile", body: "FROM x"}, {name: "null", typ: tar.TypeChar}, {name: "sda", typ: tar.TypeBlock},
				{name: "fifo", typ: tar.TypeFifo}, {name: "l", typ: tar.TypeSymlink, link: "/etc/passwd"}, {name: "h", typ: tar.TypeLink, link: "Dockerfile"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpRoot, victim := t.TempDir(), t.TempDir()
			entries := append([]tarEntry{{name: "Dockerfile", body: "FROM x"}}, tt.entries...)
			for i := range entries {
				entries[i].link = strings.ReplaceAll(entries[i].link, "VICTIM", victim)
			}
			defer func() {
				left, _ := os.ReadDir(victim)
				assert.Empty(t, left, "nothing written through a symlink")
			}()
			ctx, err := OpenContext("-", bytes.NewReader(makeTar(t, entries)), tmpRoot, "")
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				left, _ := os.ReadDir(tmpRoot)
				assert.Empty(t, left)
				return
			}
			require.NoError(t, err)
			defer ctx.Close()
			assert.Equal(t, tt.files, contextFiles(t, ctx))
		})
	}
}
