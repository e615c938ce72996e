package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCommitRefusesBadNames(t *testing.T) {
	for _, name := range []string{"", "a/b", "..", "."} {
		_, err := Commit(Store{Root: t.TempDir()}, &State{}, name, false)
		assert.ErrorContains(t, err, "invalid image name", name)
	}
}

func TestCommitKeepsAnExistingImage(t *testing.T) {
	root := t.TempDir()
	existing := filepath.Join(root, "images", "snap.tar")
	require.NoError(t, os.MkdirAll(filepath.Dir(existing), 0o755))
	require.NoError(t, os.WriteFile(existing, []byte("old"), 0o644))

	_, err := Commit(Store{Root: root}, &State{}, "snap", false)
	assert.ErrorContains(t, err, "already exists")
	data, _ := os.ReadFile(existing)
	assert.Equal(t, "old", string(data))
}
