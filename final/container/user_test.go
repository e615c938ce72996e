package container

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupUser(t *testing.T) {
	etcDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(etcDir, "passwd"), []byte(
		"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(etcDir, "group"), []byte(
		"root:x:0:\napp:x:1000:\nwheel:x:10:app,other\nstaff:x:50:\n"), 0o644))

	for spec, want := range map[string]credential{
		"":          {uid: 0, gid: 0, groups: []int{0}, home: "/root"},
		"app":       {uid: 1000, gid: 1000, groups: []int{1000, 10}, home: "/home/app"},
		"1000":      {uid: 1000, gid: 1000, groups: []int{1000, 10}, home: "/home/app"},
		"app:staff": {uid: 1000, gid: 50, groups: []int{50, 10}, home: "/home/app"},
		"app:7":     {uid: 1000, gid: 7, groups: []int{7, 10}, home: "/home/app"},
		"4242":      {uid: 4242, gid: 0, home: "/"},
		"4242:4242": {uid: 4242, gid: 4242, home: "/"},
	} {
		got, err := lookupUserIn(etcDir, spec)
		require.NoError(t, err, spec)
		assert.Equal(t, want, got, spec)
	}
	_, err := lookupUserIn(etcDir, "nosuchuser")
	assert.ErrorContains(t, err, "unable to find user nosuchuser")
	_, err = lookupUserIn(etcDir, "app:nosuchgroup")
	assert.ErrorContains(t, err, "unable to find group nosuchgroup")
}
