package initproc

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookPathUsesTheContainersPath(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cmd"), []byte("#!/bin/sh\n"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data"), nil, 0o644))
	t.Setenv("PATH", "/nonexistent") // ours is not looked at

	path, err := lookPath("cmd", []string{"HOME=/", "PATH=/nonexistent:" + dir, "PATH=/other"})
	require.NoError(t, err)
	assert.Equal(t, dir+"/cmd", path)

	_, err = lookPath("cmd", []string{"HOME=/"})
	assert.ErrorIs(t, err, exec.ErrNotFound, "no PATH: nothing is searched")
	_, err = lookPath("data", []string{"PATH=" + dir})
	assert.ErrorIs(t, err, exec.ErrNotFound)

	path, err = lookPath(dir+"/cmd", nil)
	require.NoError(t, err)
	assert.Equal(t, dir+"/cmd", path)
	_, err = lookPath(dir+"/data", nil)
	assert.ErrorIs(t, err, os.ErrPermission)
	_, err = lookPath(dir+"/none", nil)
	assert.ErrorIs(t, err, os.ErrNotExist)
}
