package image

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStorePaths(t *testing.T) {
	s := Store{Root: "/var/lib/mydocker"}
	assert.Equal(t, "/var/lib/mydocker/images/busybox.tar", s.TarPath("busybox"))
	assert.Equal(t, "/var/lib/mydocker/layers/busybox", s.LayerDir("busybox"))
}

func writeImage(t *testing.T, s Store, body string) {
	require.NoError(t, os.MkdirAll(filepath.Dir(s.TarPath("busybox")), 0o755))
	buf := tarOf(t, file("hello", body, 0o644))
	require.NoError(t, os.WriteFile(s.TarPath("busybox"), buf.Bytes(), 0o644))
}

func TestLayerUnpacksOnceAndAgainWhenTheTarChanges(t *testing.T) {
	s := Store{Root: t.TempDir()}
	writeImage(t, s, "one")

	layer, err := s.Layer("busybox", nil)
	require.NoError(t, err)
	assert.Equal(t, s.versionDir("busybox", 1), layer)
	data, _ := os.ReadFile(filepath.Join(s.LayerDir("busybox"), "hello"))
	assert.Equal(t, "one", string(data))

	// Unchanged tar: the layer is reused as it is.
	require.NoError(t, os.WriteFile(filepath.Join(layer, "marker"), nil, 0o644))
	again, err := s.Layer("busybox", nil)
	require.NoError(t, err)
	assert.Equal(t, layer, again)
	assert.FileExists(t, filepath.Join(layer, "marker"))

	// A new tar (another size and time): unpacked afresh, into a new
	// version; the old one, under its containers, is left as it was.
	writeImage(t, s, "two!")
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(s.TarPath("busybox"), later, later))
	newer, err := s.Layer("busybox", nil)
	require.NoError(t, err)
	assert.Equal(t, s.versionDir("busybox", 2), newer)
	data, _ = os.ReadFile(filepath.Join(s.LayerDir("busybox"), "hello"))
	assert.Equal(t, "two!", string(data))
	assert.NoFileExists(t, filepath.Join(newer, "marker"))
	data, _ = os.ReadFile(filepath.Join(layer, "hello"))
	assert.Equal(t, "one", string(data))

	// Collect keeps the old version while a container uses it, and
	// removes it after.
	inUse := map[string]bool{layer: true}
	require.NoError(t, s.Collect(func() (map[string]bool, error) { return inUse, nil }))
	assert.DirExists(t, layer)
	inUse = nil
	require.NoError(t, s.Collect(func() (map[string]bool, error) { return inUse, nil }))
	assert.NoDirExists(t, layer)
	assert.DirExists(t, newer)
}

func TestLayerMovesAPlainLayerAside(t *testing.T) {
	s := Store{Root: t.TempDir()}
	writeImage(t, s, "one")
	_, err := s.Layer("busybox", nil)
	require.NoError(t, err)
	// A root from before versions: the layer is a plain directory.
	require.NoError(t, os.Remove(s.LayerDir("busybox")))
	require.NoError(t, os.Rename(s.versionDir("busybox", 1), s.LayerDir("busybox")))

	layer, err := s.Layer("busybox", nil)
	require.NoError(t, err)
	assert.Equal(t, s.versionDir("busybox", 1), layer)
	target, err := os.Readlink(s.LayerDir("busybox"))
	require.NoError(t, err)
	assert.Equal(t, ".busybox.v1", target)
}

func TestLayerRemovesWhatAKilledUnpackLeft(t *testing.T) {
	s := Store{Root: t.TempDir()}
	writeImage(t, s, "one")
	left := filepath.Join(s.Root, "layers", ".busybox.unpacking-123")
	require.NoError(t, os.MkdirAll(filepath.Join(left, "bin"), 0o755))
	_, err := s.Layer("busybox", nil)
	require.NoError(t, err)
	assert.NoDirExists(t, left)
}

func TestLayerMissingImage(t *testing.T) {
	s := Store{Root: t.TempDir()}
	_, err := s.Layer("busybox", nil)
	assert.ErrorContains(t, err, "image busybox not found")
	assert.ErrorContains(t, err, "scripts/busybox-image.sh")
}

func TestLayerCorruptImageLeavesNothing(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, os.MkdirAll(filepath.Dir(s.TarPath("busybox")), 0o755))
	require.NoError(t, os.WriteFile(s.TarPath("busybox"), []byte("garbage, not a tar archive at all........"), 0o644))

	_, err := s.Layer("busybox", nil)
	assert.ErrorContains(t, err, "unpack")
	entries, _ := os.ReadDir(filepath.Join(s.Root, "layers"))
	assert.Empty(t, entries, "no half-unpacked layer")
}

func TestValidName(t *testing.T) {
	assert.NoError(t, ValidName("busybox"))
	for _, bad := range []string{"", ".", "..", "a/b", "/x", ".hidden"} {
		assert.Error(t, ValidName(bad), bad)
	}
}
