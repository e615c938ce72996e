package passwd

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupUser(t *testing.T) {
	root := t.TempDir()
	etcDir := filepath.Join(root, "etc")
	require.NoError(t, os.Mkdir(etcDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(etcDir, "passwd"), []byte(
		"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(etcDir, "group"), []byte(
		"root:x:0:\napp:x:1000:\nwheel:x:10:app,other\nstaff:x:50:\n"), 0o644))

	for spec, want := range map[string]Credential{
		"":          {UID: 0, GID: 0, Groups: []int{0}, Home: "/root"},
		"app":       {UID: 1000, GID: 1000, Groups: []int{1000, 10}, Home: "/home/app"},
		"1000":      {UID: 1000, GID: 1000, Groups: []int{1000, 10}, Home: "/home/app"},
		"app:staff": {UID: 1000, GID: 50, Groups: []int{50, 10}, Home: "/home/app"},
		"app:7":     {UID: 1000, GID: 7, Groups: []int{7, 10}, Home: "/home/app"},
		"4242":      {UID: 4242, GID: 0, Home: "/"},
		"4242:4242": {UID: 4242, GID: 4242, Home: "/"},
	} {
		got, err := LookupInRoot(root, spec)
		require.NoError(t, err, spec)
		assert.Equal(t, want, got, spec)
	}
	_, err := LookupInRoot(root, "nosuchuser")
	assert.ErrorContains(t, err, "unable to find user nosuchuser")
	_, err = LookupInRoot(root, "app:nosuchgroup")
	assert.ErrorContains(t, err, "unable to find group nosuchgroup")
}

// The container's files are its own: an absolute symlink resolves inside
// its root, never on the host, and a FIFO is refused, not read.
func TestLookupUserStaysInTheRoot(t *testing.T) {
	host := filepath.Join(t.TempDir(), "passwd")
	require.NoError(t, os.WriteFile(host, []byte("hostuser:x:4321:4321::/host:/bin/sh\n"), 0o644))
	root := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.Symlink(host, filepath.Join(root, "etc", "passwd")))
	_, err := LookupInRoot(root, "hostuser")
	assert.ErrorContains(t, err, "unable to find user hostuser")

	require.NoError(t, os.Remove(filepath.Join(root, "etc", "passwd")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(root, "etc", "passwd"), 0o644))
	_, err = LookupInRoot(root, "hostuser")
	assert.ErrorContains(t, err, "/etc/passwd is not a regular file")
}
