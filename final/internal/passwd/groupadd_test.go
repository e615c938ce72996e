package passwd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddGroups(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nstaff:x:50:\n77:x:88:\n"), 0o644))
	cred := Credential{UID: 1000, GID: 1000}
	require.NoError(t, AddGroups(root, &cred, []string{"staff", "7", "staff", "1000", "77"}))
	assert.Equal(t, []int{1000, 50, 7, 88}, cred.Groups)
	assert.Error(t, AddGroups(root, &cred, []string{"nosuch"}))
	assert.Error(t, AddGroups(root, &cred, []string{"-1"}))
	// No /etc/group in the image: numbers still work.
	empty := Credential{}
	require.NoError(t, AddGroups(t.TempDir(), &empty, []string{"5"}))
	assert.Equal(t, []int{0, 5}, empty.Groups)
}
