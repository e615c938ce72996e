package seccomp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/security"
)

// TestCompileSeccompIsCached: an OCI profile is compiled once per root,
// read back after; a file or directory another user could write is
// never used.
func TestCompileSeccompIsCached(t *testing.T) {
	root := t.TempDir()
	profile, err := Profile("", security.DefaultCapabilities)
	require.NoError(t, err)
	prog, err := Compile(root, profile)
	require.NoError(t, err)
	dir := filepath.Join(root, ociSeccompDir)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	file := filepath.Join(dir, entries[0].Name())

	// A marker in the file: the next call reads it, compiling nothing.
	marker := []byte("8 bytes!")
	require.NoError(t, os.WriteFile(file, marker, 0o600))
	got, err := Compile(root, profile)
	require.NoError(t, err)
	assert.Equal(t, marker, got, "read from the cache")

	// Writable by others: compiled again and replaced, private.
	require.NoError(t, os.Chmod(file, 0o666))
	got, err = Compile(root, profile)
	require.NoError(t, err)
	assert.Equal(t, prog, got)
	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// Another profile, another file.
	other := *profile
	other.DefaultErrnoRet = new(uint)
	*other.DefaultErrnoRet = 38
	_, err = Compile(root, &other)
	require.NoError(t, err)
	entries, _ = os.ReadDir(dir)
	assert.Len(t, entries, 2)

	// A directory others may write: refused, nothing read from it.
	require.NoError(t, os.Chmod(dir, 0o777))
	_, err = Compile(root, profile)
	assert.ErrorContains(t, err, "writable by others")
}

// TestCachedProgramRefusesForeignFiles: a file of another user (as root),
// or a symlink, in the directory is compiled over, never read.
func TestCachedProgramRefusesForeignFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	key := []byte{1, 2, 3}
	build := func() ([]byte, error) { return []byte("compiled"), nil }
	_, path, err := cachedProgram(dir, key, build)
	require.NoError(t, err)

	require.NoError(t, os.Remove(path))
	foreign := filepath.Join(filepath.Dir(dir), "foreign")
	require.NoError(t, os.WriteFile(foreign, []byte("planted!"), 0o600))
	require.NoError(t, os.Symlink(foreign, path))
	got, _, err := cachedProgram(dir, key, build)
	require.NoError(t, err)
	assert.Equal(t, []byte("compiled"), got, "a symlink is not followed")

	if os.Geteuid() != 0 {
		t.Skip("chown needs root")
	}
	require.NoError(t, os.WriteFile(path, []byte("planted!"), 0o600))
	require.NoError(t, os.Chown(path, 65534, 65534))
	got, _, err = cachedProgram(dir, key, build)
	require.NoError(t, err)
	assert.Equal(t, []byte("compiled"), got, "another user's file is not read")
}
