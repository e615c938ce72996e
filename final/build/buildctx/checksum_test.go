package buildctx

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChecksum: what changes the cache key and what does not. Each case
// changes one thing in a fresh copy of the same context and compares the
// checksum with the untouched one.
func TestChecksum(t *testing.T) {
	files := map[string]string{"src/a.go": "package a", "src/b.go": "package b", "src/skip.tmp": "t", "other.txt": "o"}
	ignore := []string{"**/*.tmp"}
	base := CopySpec{Sources: []string{"src"}, Dest: "/app/", UID: -1, GID: -1}
	tests := []struct {
		name    string
		change  func(t *testing.T, dir string)
		spec    func(CopySpec) CopySpec
		changed bool
	}{
		{name: "nothing", changed: false},
		{name: "a matched file's content", changed: true,
			change: func(t *testing.T, dir string) { write(t, dir, "src/a.go", "package A") }},
		{name: "a matched file's mode", changed: true,
			change: func(t *testing.T, dir string) { require.NoError(t, os.Chmod(filepath.Join(dir, "src/a.go"), 0o755)) }},
		{name: "a new file", changed: true,
			change: func(t *testing.T, dir string) { write(t, dir, "src/c.go", "package c") }},
		{name: "a renamed file", changed: true,
			change: func(t *testing.T, dir string) {
				require.NoError(t, os.Rename(filepath.Join(dir, "src/b.go"), filepath.Join(dir, "src/bb.go")))
			}},
		{name: "an mtime", changed: false,
			change: func(t *testing.T, dir string) {
				old := time.Unix(1e9, 0)
				require.NoError(t, os.Chtimes(filepath.Join(dir, "src/a.go"), old, old))
			}},
		{name: "an ignored file", changed: false,
			change: func(t *testing.T, dir string) { write(t, dir, "src/skip.tmp", "changed") }},
		{name: "a file not matched", changed: false,
			change: func(t *testing.T, dir string) { write(t, dir, "other.txt", "changed") }},
		{name: "the owner", changed: true,
			spec: func(s CopySpec) CopySpec { s.UID, s.GID = 1000, 1000; return s }},
		{name: "the chmod", changed: true,
			spec: func(s CopySpec) CopySpec { s.Chmod = "700"; return s }},
		{name: "the destination", changed: true,
			spec: func(s CopySpec) CopySpec { s.Dest = "/other/"; return s }},
		{name: "COPY vs ADD", changed: true,
			spec: func(s CopySpec) CopySpec { s.Add = true; return s }},
	}
	sum := func(t *testing.T, dir string, spec CopySpec) string {
		s, err := OpenSource(dir, ignore)
		require.NoError(t, err)
		defer s.Close()
		got, err := s.Checksum(spec)
		require.NoError(t, err)
		require.Regexp(t, `^(file|dir|multi):[0-9a-f]{64}$`, got)
		return got
	}
	refDir := t.TempDir()
	tree(t, refDir, files)
	ref := sum(t, refDir, base)
	require.Equal(t, ref, sum(t, refDir, base), "stable")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tree(t, dir, files)
			if tt.change != nil {
				tt.change(t, dir)
			}
			spec := base
			if tt.spec != nil {
				spec = tt.spec(base)
			}
			if tt.changed {
				assert.NotEqual(t, ref, sum(t, dir, spec))
			} else {
				assert.Equal(t, ref, sum(t, dir, spec))
			}
		})
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
}

// TestConcurrentUse: stages built in parallel may share the context.
func TestConcurrentUse(t *testing.T) {
	s := newSource(t, map[string]string{"a/x": "x", "a/y.tmp": "y", "b/z": "z"}, "**/*.tmp", "!b")
	spec := CopySpec{Sources: []string{"a", "b"}, Dest: "/d/", UID: -1, GID: -1}
	want, err := s.Checksum(spec)
	require.NoError(t, err)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			got, err := s.Checksum(spec)
			if err == nil && got != want {
				err = assert.AnError
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}

// TestChecksumKind: the checksum names what is copied as the classic
// builder's history does: file:, dir: or multi:.
func TestChecksumKind(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"src/a.go": "package a", "one.txt": "1"})
	s, err := OpenSource(dir, nil)
	require.NoError(t, err)
	defer s.Close()
	for sources, kind := range map[string][]string{"file": {"one.txt"}, "dir": {"src"}, "multi": {"one.txt", "src"}} {
		got, err := s.Checksum(CopySpec{Sources: kind, Dest: "/d/", UID: -1, GID: -1})
		require.NoError(t, err)
		assert.Regexp(t, "^"+sources+":[0-9a-f]{64}$", got, kind)
	}
	got, err := s.Checksum(CopySpec{Sources: []string{"*.txt"}, Dest: "/d/", UID: -1, GID: -1})
	require.NoError(t, err)
	assert.Regexp(t, "^file:", got, "a glob matching one file")
}
