package smallfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadIsOsReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4096, chunk - 1, chunk, chunk + 1, 3*chunk + 7} {
		path := filepath.Join(dir, "f")
		want := bytes.Repeat([]byte("x"), size)
		require.NoError(t, os.WriteFile(path, want, 0o600))
		got, err := Read(path)
		require.NoError(t, err)
		assert.Equal(t, want, got, "size %d", size)
	}
	self, err := Read("/proc/self/stat")
	require.NoError(t, err)
	assert.Contains(t, string(self), ") ")
}

func TestReadMissingIsNotExist(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "none"))
	assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
	assert.Contains(t, err.Error(), "open ")
}
