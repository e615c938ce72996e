package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrepareRootResolvesSymlinksAndLocksItDown(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	require.NoError(t, err)
	real := filepath.Join(base, "data", "md")
	require.NoError(t, os.MkdirAll(real, 0o755))
	link := filepath.Join(base, "md")
	require.NoError(t, os.Symlink(real, link))

	root, err := prepareRoot(link)

	require.NoError(t, err)
	assert.Equal(t, real, root, "the path the kernel's mount table will show")
	info, err := os.Stat(real)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "0755 made by someone else becomes 0700")
}

func TestPrepareRootCreatesAMissingRoot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	root, err := prepareRoot(dir)
	require.NoError(t, err)
	assert.DirExists(t, root)
}

func TestPrepareRootRefusesASharedDirectory(t *testing.T) {
	shared := filepath.Join(t.TempDir(), "tmp")
	require.NoError(t, os.Mkdir(shared, 0o777))
	require.NoError(t, os.Chmod(shared, 0o777|os.ModeSticky))

	_, err := prepareRoot(shared)

	assert.ErrorContains(t, err, "others share")
	info, err := os.Stat(shared)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o777), info.Mode().Perm(), "left as it was")
	_, err = prepareRoot("/")
	assert.ErrorContains(t, err, "others share")
}
