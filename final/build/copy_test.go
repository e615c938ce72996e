package build

import (
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChownIDsReadsTheImagesNames(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nstaff:x:50:\n"), 0o644))
	for spec, want := range map[string][2]int{
		"app": {1000, 1000}, "app:staff": {1000, 50}, "10": {10, 10}, "10:20": {10, 20}, "app:7": {1000, 7},
	} {
		uid, gid, err := chownIDs(root, spec)
		require.NoError(t, err, spec)
		assert.Equal(t, want, [2]int{uid, gid}, spec)
	}
	_, _, err := chownIDs(root, "nobody-here")
	assert.Error(t, err)
	_, _, err = chownIDs(root, "app:nogroup-here")
	assert.Error(t, err)
}

func TestCopyDestIsUnderWorkdirAndKeepsItsSlash(t *testing.T) {
	s := &stage{cfg: &v1.ConfigFile{Config: v1.Config{WorkingDir: "/app"}}}
	assert.Equal(t, "/app/", s.copyDest("."))
	assert.Equal(t, "/app/sub/", s.copyDest("sub/"))
	assert.Equal(t, "/app/f", s.copyDest("f"))
	assert.Equal(t, "/abs/", s.copyDest("/abs/"))
	s.cfg.Config.WorkingDir = ""
	assert.Equal(t, "/", s.copyDest("."))
}
