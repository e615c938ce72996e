package container

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeekToLastLines(t *testing.T) {
	for _, tc := range []struct {
		log  string
		n    int
		want string
	}{
		{"a\nb\nc\n", 2, "b\nc\n"},
		{"a\nb\nc\n", 0, ""},
		{"a\nb\nc\n", 5, "a\nb\nc\n"},
		{"a\nb", 1, "b"},
		{"", 3, ""},
	} {
		path := filepath.Join(t.TempDir(), "log")
		require.NoError(t, os.WriteFile(path, []byte(tc.log), 0o600))
		f, err := os.Open(path)
		require.NoError(t, err)
		require.NoError(t, seekToLastLines(f, tc.n))
		rest, _ := io.ReadAll(f)
		f.Close()
		assert.Equal(t, tc.want, string(rest), "%q, last %d", tc.log, tc.n)
	}
}
