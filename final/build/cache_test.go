package build

import (
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
