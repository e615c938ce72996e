package passwd

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHomeInRoot(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "etc"), 0o755))
	// A user named as another's number is not that user.
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc", "passwd"), []byte(
		"root:x:0:0:root:/root:/bin/sh\n2000:x:7:7::/home/seven:/bin/sh\ntempuser:x:2000:2000:tempuser:/home/tempuser:/bin/sh\nnohome:x:3000:3000:::/bin/sh\n"), 0o644))
	for uid, want := range map[uint32]string{0: "/root", 2000: "/home/tempuser", 7: "/home/seven", 3000: "/", 4242: "/"} {
		home, err := HomeInRoot(root, uid)
		require.NoError(t, err, uid)
		assert.Equal(t, want, home, uid)
	}

	// No /etc/passwd at all: "/".
	home, err := HomeInRoot(t.TempDir(), 0)
	require.NoError(t, err)
	assert.Equal(t, "/", home)

	// A FIFO of the container's is refused, not read: "/" and the error.
	require.NoError(t, os.Remove(filepath.Join(root, "etc", "passwd")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "etc", "passwd"), 0o644))
	home, err = HomeInRoot(root, 2000)
	assert.ErrorContains(t, err, "not a regular file")
	assert.Equal(t, "/", home)
}
