package buildctx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDockerignore is docker's pattern rules as COPY sees them: ignored
// files are not in the context, `**` spans directories, `!` re-includes.
func TestDockerignore(t *testing.T) {
	files := map[string]string{
		"keep.go":             "k",
		"app.log":             "l",
		"logs/a.log":          "a",
		"logs/keep.log":       "kl",
		"src/x/y/debug.tmp":   "t",
		"src/x/y/main.go":     "m",
		"node_modules/m/i.js": "js",
		"secret/key":          "s",
	}
	ignore := []string{"*.log", "logs", "!logs/keep.log", "**/*.tmp", "node_modules", "secret/"}
	tests := []struct {
		name    string
		sources []string
		want    []string
		wantErr string
	}{
		{name: "dot copies what is not ignored", sources: []string{"."},
			want: []string{"c/", "c/keep.go", "c/logs/", "c/logs/keep.log", "c/src/", "c/src/x/", "c/src/x/y/", "c/src/x/y/main.go"}},
		{name: "an ignored file is not there", sources: []string{"app.log"}, wantErr: "file not found in build context or excluded by .dockerignore"},
		{name: "an ignored directory is not there", sources: []string{"secret"}, wantErr: "excluded by .dockerignore"},
		{name: "a file under an ignored dir", sources: []string{"node_modules/m/i.js"}, wantErr: "excluded by .dockerignore"},
		{name: "an exception is there", sources: []string{"logs/keep.log"}, want: []string{"c/", "c/keep.log"}},
		{name: "a glob skips ignored files", sources: []string{"*"},
			want: []string{"c/", "c/keep.go", "c/keep.log", "c/x/", "c/x/y/", "c/x/y/main.go"}},
		{name: "a glob of only ignored files", sources: []string{"*.log"}, wantErr: "no source files were specified"},
	}
	s := newSource(t, files, ignore...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, err := layer(t, s, CopySpec{Sources: tt.sources, Dest: "/c/", UID: -1, GID: -1}, image(nil))
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, names(m))
		})
	}
}

// TestReadDockerignore: the Dockerfile's own ignore file wins over the
// context's; no file means no rules; comments and blank lines are skipped.
func TestReadDockerignore(t *testing.T) {
	dir := t.TempDir()
	df := filepath.Join(dir, "sub", "app.Dockerfile")
	tree(t, dir, map[string]string{".dockerignore": "# comment\n\n*.log\n!keep.log\n", "sub/app.Dockerfile": "FROM scratch"})

	got, err := ReadDockerignore(dir, df)
	require.NoError(t, err)
	assert.Equal(t, []string{"*.log", "!keep.log"}, got)

	require.NoError(t, os.WriteFile(df+".dockerignore", []byte("only-this\n"), 0o644))
	got, err = ReadDockerignore(dir, df)
	require.NoError(t, err)
	assert.Equal(t, []string{"only-this"}, got, "<Dockerfile>.dockerignore takes precedence")

	got, err = ReadDockerignore(t.TempDir(), "")
	require.NoError(t, err)
	assert.Empty(t, got)
}

// TestBuildFilesStillSent: .dockerignore may name the Dockerfile and
// itself; the docker CLI still sends them, so COPY still finds them.
func TestBuildFilesStillSent(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{
		"Dockerfile":    "FROM scratch\n",
		".dockerignore": "Dockerfile\n.dockerignore\n*.txt\n",
		"a.txt":         "a",
		"b.go":          "b",
	})
	ctx, err := OpenContext(dir, nil, t.TempDir(), "")
	require.NoError(t, err)
	defer ctx.Close()
	df, err := ctx.Dockerfile()
	require.NoError(t, err)
	assert.Equal(t, "FROM scratch\n", string(df))
	m, _, err := layer(t, ctx.Source, CopySpec{Sources: []string{"."}, Dest: "/c/", UID: -1, GID: -1}, image(nil))
	require.NoError(t, err)
	assert.Equal(t, []string{"c/", "c/.dockerignore", "c/Dockerfile", "c/b.go"}, names(m))
}
