package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/ch4-export/overlay"
)

func TestCommitRefusesBadNames(t *testing.T) {
	for _, name := range []string{"", "a/b", "..", "."} {
		_, err := Commit(t.TempDir(), name, false)
		assert.ErrorContains(t, err, "invalid image name", name)
	}
}

func TestCommitNeedsARunningContainer(t *testing.T) {
	root := t.TempDir()
	_, err := Commit(root, "snap", false)
	assert.ErrorContains(t, err, "no running container")
	assert.NoDirExists(t, filepath.Join(root, "images"), "nothing written")
}

func TestCommitKeepsAnExistingImage(t *testing.T) {
	root := t.TempDir()
	lock, err := overlay.TryLock(root) // as a running container does
	require.NoError(t, err)
	defer lock.Unlock()
	existing := filepath.Join(root, "images", "snap.tar")
	require.NoError(t, os.MkdirAll(filepath.Dir(existing), 0o755))
	require.NoError(t, os.WriteFile(existing, []byte("old"), 0o644))

	_, err = Commit(root, "snap", false)
	assert.ErrorContains(t, err, "already exists")
	data, _ := os.ReadFile(existing)
	assert.Equal(t, "old", string(data))
}
