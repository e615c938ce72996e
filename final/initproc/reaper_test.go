package initproc

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestElfHasInterp(t *testing.T) {
	for path, want := range map[string]bool{"/bin/sh": true} {
		f, err := os.Open(path)
		require.NoError(t, err)
		got, err := elfHasInterp(f)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, want, got, path)
	}
	f, err := os.Open("/etc/passwd")
	require.NoError(t, err)
	defer f.Close()
	_, err = elfHasInterp(f)
	assert.Error(t, err)
}
