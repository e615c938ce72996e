package buildctx

import (
	"archive/tar"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sortStrings(s []string) { sort.Strings(s) }

var ctxFiles = map[string]string{
	"a.txt":          "A",
	"b.txt":          "B",
	"c.md":           "C",
	"dir/x":          "X",
	"dir/sub/y":      "Y",
	"dir/link":       "->x",
	"linktoa":        "->a.txt",
	"abslink":        "->/a.txt",
	"outlink":        "->../../../../etc/passwd",
	"empty/":         "",
	"deep/one/two/z": "Z",
}

// TestCopyRules is docker's COPY destination rules, one case each.
func TestCopyRules(t *testing.T) {
	noImage := image(nil)
	withApp := image([]string{"/app"}, "/file")
	tests := []struct {
		name    string
		sources []string
		dest    string
		exists  func(string) (bool, bool)
		want    []string // entry names
		wantErr string
		// layerOnly: the error needs the image (exists), Checksum has none.
		layerOnly bool
	}{
		{name: "file to a file name", sources: []string{"a.txt"}, dest: "/x/new", exists: noImage,
			want: []string{"x/", "x/new"}},
		{name: "file to a dir ending in /", sources: []string{"a.txt"}, dest: "/x/", exists: noImage,
			want: []string{"x/", "x/a.txt"}},
		{name: "file to an existing dir", sources: []string{"a.txt"}, dest: "/app", exists: withApp,
			want: []string{"app/a.txt"}},
		{name: "directory copies its contents", sources: []string{"dir"}, dest: "/app", exists: withApp,
			want: []string{"app/link", "app/sub/", "app/sub/y", "app/x"}},
		{name: "directory to a new dir", sources: []string{"dir"}, dest: "/new/d", exists: noImage,
			want: []string{"new/", "new/d/", "new/d/link", "new/d/sub/", "new/d/sub/y", "new/d/x"}},
		{name: "several sources need a slash", sources: []string{"a.txt", "b.txt"}, dest: "/app", exists: withApp,
			wantErr: "When using COPY with more than one source file, the destination must be a directory and end with a /"},
		{name: "a glob matching several needs a slash", sources: []string{"*.txt"}, dest: "/app", exists: withApp,
			wantErr: "the destination must be a directory and end with a /"},
		{name: "several sources into a dir", sources: []string{"a.txt", "c.md"}, dest: "/app/", exists: withApp,
			want: []string{"app/a.txt", "app/c.md"}},
		{name: "glob", sources: []string{"*.txt"}, dest: "/app/", exists: withApp,
			want: []string{"app/a.txt", "app/b.txt"}},
		{name: "glob in a directory component", sources: []string{"d*/sub/*"}, dest: "/app/", exists: withApp,
			want: []string{"app/y"}},
		{name: "glob matching nothing", sources: []string{"*.nope"}, dest: "/app/", exists: withApp,
			wantErr: "no source files were specified"},
		{name: "missing file", sources: []string{"nope"}, dest: "/app/", exists: withApp,
			wantErr: "file not found in build context or excluded by .dockerignore"},
		{name: "path outside the context", sources: []string{"../x"}, dest: "/app/", exists: withApp,
			wantErr: "forbidden path outside the build context: ../x"},
		{name: "dotdot inside stays inside", sources: []string{"dir/../a.txt"}, dest: "/app/", exists: withApp,
			want: []string{"app/a.txt"}},
		{name: "leading slash is the context root", sources: []string{"/a.txt"}, dest: "/app/", exists: withApp,
			want: []string{"app/a.txt"}},
		{name: "top-level symlink is followed", sources: []string{"linktoa"}, dest: "/app/", exists: withApp,
			want: []string{"app/linktoa"}},
		{name: "absolute symlink resolves inside", sources: []string{"abslink"}, dest: "/app/", exists: withApp,
			want: []string{"app/abslink"}},
		{name: "symlink out of the context stays inside", sources: []string{"outlink"}, dest: "/app/", exists: withApp,
			wantErr: "file not found in build context"},
		{name: "dest under a file", sources: []string{"a.txt"}, dest: "/file/x", exists: withApp,
			wantErr: "/file is not a directory", layerOnly: true},
		{name: "empty directory", sources: []string{"empty"}, dest: "/e", exists: noImage,
			want: []string{"e/"}},
		{name: "deep parents created once", sources: []string{"deep"}, dest: "/app/", exists: withApp,
			want: []string{"app/one/", "app/one/two/", "app/one/two/z"}},
		{name: "COPY of a URL", sources: []string{"http://127.0.0.1:1/x"}, dest: "/app/", exists: withApp,
			wantErr: "source can't be a URL for COPY"},
	}
	s := newSource(t, ctxFiles)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := CopySpec{Sources: tt.sources, Dest: tt.dest, UID: -1, GID: -1}
			m, _, err := layer(t, s, spec, tt.exists)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				if !tt.layerOnly {
					_, err = s.Checksum(spec)
					require.ErrorContains(t, err, tt.wantErr)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(m))
			_, err = s.Checksum(spec)
			require.NoError(t, err)
		})
	}
}

// TestCopyMetadata checks what each entry carries: content, mode, owner,
// link target, mtime, and parents as docker creates them.
func TestCopyMetadata(t *testing.T) {
	s := newSource(t, ctxFiles)
	spec := CopySpec{Sources: []string{"a.txt", "dir"}, Dest: "/new/", UID: 1000, GID: 100}
	m, order, err := layer(t, s, spec, image(nil))
	require.NoError(t, err)
	assert.Equal(t, "new/", order[0], "parents come first")
	parent := m["new/"]
	assert.True(t, parent.mtime.Equal(epoch))
	parent.mtime = epoch
	assert.Equal(t, entry{typ: tar.TypeDir, mode: 0o755, uid: 1000, gid: 100, mtime: epoch}, parent, "a parent COPY creates is 0755 and --chown's, as docker's builders and buildah make it")
	x := m["new/x"]
	assert.Equal(t, byte(tar.TypeReg), x.typ)
	assert.Equal(t, "X", x.body)
	assert.Equal(t, int64(0o644), x.mode)
	assert.Equal(t, []int{1000, 100}, []int{x.uid, x.gid})
	assert.False(t, x.mtime.Before(epoch.AddDate(30, 0, 0)), "mtime kept from the source")
	assert.Equal(t, entry{typ: tar.TypeSymlink, mode: 0o777, uid: 1000, gid: 100, link: "x", mtime: m["new/link"].mtime}, m["new/link"])
	assert.Equal(t, "A", m["new/a.txt"].body)

	spec = CopySpec{Sources: []string{"dir"}, Dest: "/d", UID: -1, GID: -1, Chmod: "0640"}
	m, _, err = layer(t, s, spec, image(nil))
	require.NoError(t, err)
	assert.Equal(t, int64(0o640), m["d/x"].mode)
	assert.Equal(t, int64(0o640), m["d/sub/"].mode, "--chmod applies to directories too, as BuildKit")
	assert.Equal(t, int64(0o755), m["d/"].mode, "the directory the copy makes for them is 0755, as BuildKit's and buildah's")
	assert.Equal(t, 0, m["d/x"].uid)
	assert.Equal(t, int64(0o777), m["d/link"].mode, "a link keeps its mode")

	_, _, err = layer(t, s, CopySpec{Sources: []string{"a.txt"}, Dest: "/d", Chmod: "9"}, image(nil))
	require.ErrorContains(t, err, "invalid --chmod")
}

// TestInline: COPY <<EOF heredocs are files 0644 named as written, and
// count as sources for the "several sources" rule.
func TestInline(t *testing.T) {
	s := newSource(t, ctxFiles)
	tests := []struct {
		name    string
		spec    CopySpec
		want    map[string]string
		wantErr string
	}{
		{name: "to a file", spec: CopySpec{Inline: []Inline{{Name: "EOF", Data: []byte("hi\n")}}, Dest: "/etc/motd"},
			want: map[string]string{"etc/motd": "hi\n"}},
		{name: "to a dir", spec: CopySpec{Inline: []Inline{{Name: "a.sh", Data: []byte("a")}, {Name: "b.sh", Data: []byte("b")}}, Dest: "/bin/"},
			want: map[string]string{"bin/a.sh": "a", "bin/b.sh": "b"}},
		{name: "with a file", spec: CopySpec{Sources: []string{"a.txt"}, Inline: []Inline{{Name: "x", Data: []byte("x")}}, Dest: "/d/"},
			want: map[string]string{"d/": "", "d/a.txt": "A", "d/x": "x"}},
		{name: "two need a slash", spec: CopySpec{Inline: []Inline{{Name: "a"}, {Name: "b"}}, Dest: "/bin"},
			wantErr: "must be a directory and end with a /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.UID, tt.spec.GID = -1, -1
			m, _, err := layer(t, s, tt.spec, image([]string{"/etc", "/bin"}))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			got := map[string]string{}
			for n, e := range m {
				got[n] = e.body
				if e.typ == tar.TypeReg && n != "d/a.txt" {
					assert.Equal(t, int64(0o644), e.mode, n)
				}
			}
			assert.Equal(t, tt.want, got)
			sum1, err := s.Checksum(tt.spec)
			require.NoError(t, err)
			tt.spec.Inline[0].Data = append([]byte("changed"), tt.spec.Inline[0].Data...)
			sum2, err := s.Checksum(tt.spec)
			require.NoError(t, err)
			assert.NotEqual(t, sum1, sum2, "the heredoc's text is in the checksum")
		})
	}
}

// TestCopyCreatesDest: a directory COPY creates is 0755 whatever the
// source directory's mode (a 0700 temp dir as context), owned by --chown.
func TestCopyCreatesDest(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"f": "f", "private/": ""})
	require.NoError(t, os.Chmod(dir, 0o700))
	require.NoError(t, os.Chmod(filepath.Join(dir, "private"), 0o700))
	s, err := OpenSource(dir, nil)
	require.NoError(t, err)
	defer s.Close()
	m, _, err := layer(t, s, CopySpec{Sources: []string{"."}, Dest: "/app", UID: 5, GID: 6}, image(nil))
	require.NoError(t, err)
	assert.Equal(t, int64(0o755), m["app/"].mode)
	assert.Equal(t, []int{5, 6}, []int{m["app/"].uid, m["app/"].gid})
	assert.Equal(t, int64(0o700), m["app/private/"].mode, "directories inside keep their mode")
	m, _, err = layer(t, s, CopySpec{Sources: []string{"."}, Dest: "/app", UID: -1, GID: -1}, image([]string{"/app"}))
	require.NoError(t, err)
	_, ok := m["app/"]
	assert.False(t, ok, "an existing destination keeps its own metadata")
}

// TestCopyExclude: --exclude drops what its patterns match among the
// sources (relative to the context) and under a copied directory
// (relative to it), as BuildKit's COPY --exclude.
func TestCopyExclude(t *testing.T) {
	s := newSource(t, ctxFiles)
	tests := []struct {
		name    string
		sources []string
		exclude []string
		want    []string
		wantErr string
	}{
		{name: "a glob's match", sources: []string{"*"}, exclude: []string{"*.txt", "*link", "deep", "empty"},
			want: []string{"app/c.md", "app/sub/", "app/sub/y", "app/x"}},
		{name: "under a directory, relative to it", sources: []string{"dir"}, exclude: []string{"x", "sub"},
			want: []string{"app/link"}},
		{name: "** reaches every depth", sources: []string{"deep"}, exclude: []string{"**/z"},
			want: []string{"app/one/", "app/one/two/"}},
		{name: "two patterns", sources: []string{"a.txt", "b.txt", "c.md"}, exclude: []string{"*.txt", "*.md"},
			wantErr: "no source files were specified"},
		{name: "a bad pattern", sources: []string{"a.txt"}, exclude: []string{"[x"},
			wantErr: "--exclude"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := CopySpec{Sources: tt.sources, Dest: "/app/", UID: -1, GID: -1, Exclude: tt.exclude}
			m, _, err := layer(t, s, spec, image([]string{"/app"}))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(m))
			with, err := s.Checksum(spec)
			require.NoError(t, err)
			spec.Exclude = nil
			without, err := s.Checksum(spec)
			require.NoError(t, err)
			assert.NotEqual(t, with, without, "what is excluded is not in the checksum")
		})
	}
}

// TestCopyParents: COPY --parents keeps each source's directories under
// the destination, from the root or from a "/./" in the source; "**"
// stands for any number of directories, with or without --parents.
func TestCopyParents(t *testing.T) {
	s := newSource(t, ctxFiles)
	tests := []struct {
		name    string
		sources []string
		parents bool
		want    []string
	}{
		{name: "files keep their directories", sources: []string{"dir/x", "./deep/one/two/z"}, parents: true,
			want: []string{"p/", "p/deep/", "p/deep/one/", "p/deep/one/two/", "p/deep/one/two/z", "p/dir/", "p/dir/x"}},
		{name: "a /./ pivot", sources: []string{"./deep/./one/two/z"}, parents: true,
			want: []string{"p/", "p/one/", "p/one/two/", "p/one/two/z"}},
		{name: "a directory is copied as itself", sources: []string{"dir/sub"}, parents: true,
			want: []string{"p/", "p/dir/", "p/dir/sub/", "p/dir/sub/y"}},
		{name: "** with --parents", sources: []string{"**/y"}, parents: true,
			want: []string{"p/", "p/dir/", "p/dir/sub/", "p/dir/sub/y"}},
		{name: "** matches no directory too", sources: []string{"dir/**/x"}, parents: true,
			want: []string{"p/", "p/dir/", "p/dir/x"}},
		{name: "** without --parents", sources: []string{"deep/**/z", "dir/**/y"},
			want: []string{"p/", "p/y", "p/z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := CopySpec{Sources: tt.sources, Dest: "/p/", UID: -1, GID: -1, Parents: tt.parents}
			m, _, err := layer(t, s, spec, image(nil))
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(m))
		})
	}
	spec := CopySpec{Sources: []string{"dir/x"}, Dest: "/p/", UID: -1, GID: -1}
	without, err := s.Checksum(spec)
	require.NoError(t, err)
	spec.Parents = true
	with, err := s.Checksum(spec)
	require.NoError(t, err)
	assert.NotEqual(t, without, with, "--parents is in the cache key")
}
