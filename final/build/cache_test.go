package build

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCacheKeepsKeysAcrossOpens(t *testing.T) {
	c := Cache{Dir: t.TempDir() + "/build/cache"}
	_, ok := c.Get("k")
	assert.False(t, ok)
	require.NoError(t, c.Put("k", "sha256:1"))
	require.NoError(t, Cache{Dir: c.Dir}.Put("j", "sha256:2"))
	id, ok := Cache{Dir: c.Dir}.Get("k")
	assert.True(t, ok)
	assert.Equal(t, "sha256:1", id)
}

func TestCacheKeyTellsParentsAndInstructionsApart(t *testing.T) {
	assert.Equal(t, cacheKey("sha256:a", "RUN x"), cacheKey("sha256:a", "RUN x"))
	assert.NotEqual(t, cacheKey("sha256:a", "RUN x"), cacheKey("sha256:b", "RUN x"))
	assert.NotEqual(t, cacheKey("sha256:a", "RUN x"), cacheKey("sha256:a", "RUN y"))
}

func TestCachePruneDropsEntriesOfGoneImages(t *testing.T) {
	c := Cache{Dir: t.TempDir() + "/build/cache"}
	n, err := c.Prune(func(string) bool { return false })
	require.NoError(t, err)
	assert.Zero(t, n, "no index: nothing to prune, nothing made")
	assert.NoDirExists(t, c.Dir)

	require.NoError(t, c.Put("k", "sha256:1"))
	require.NoError(t, c.Put("j", "sha256:2"))
	n, err = c.Prune(func(id string) bool { return id == "sha256:2" })
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, ok := c.Get("k")
	assert.False(t, ok, "the entry of a removed image is gone")
	id, ok := c.Get("j")
	assert.True(t, ok)
	assert.Equal(t, "sha256:2", id)

	n, err = c.Prune(func(string) bool { return false })
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.NoFileExists(t, c.indexPath(), "an empty index is removed")
}

func TestTempDirIsNamedForItsOwner(t *testing.T) {
	root := t.TempDir()
	dir, err := TempDir(root)
	require.NoError(t, err)
	name := filepath.Base(dir)
	p, ok := ownerOf(name)
	require.True(t, ok, name)
	assert.Equal(t, os.Getpid(), p.PID)
	assert.False(t, deadOwner(name), "this process is alive")
	for _, bad := range []string{"tmp-x", "tmp-12-34", "tmp-1-x-y", "cache", "tmp-0-1-a"} {
		_, ok := ownerOf(bad)
		assert.False(t, ok, bad)
	}

	// A directory of a process that is gone (a start time that is not
	// this pid's) goes with Tidy; this process's stays.
	dead := filepath.Join(root, "build", fmt.Sprintf("tmp-%d-%d-abc", os.Getpid(), p.Start+1))
	require.NoError(t, os.MkdirAll(filepath.Join(dead, "rootfs-1", "upper"), 0o700))
	Tidy(root)
	assert.NoDirExists(t, dead)
	assert.DirExists(t, dir)
}
