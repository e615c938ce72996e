package oci

import (
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// A bind mount's key is its destination resolved in the rootfs; one that
// criu's "KEY:VAL" syntax cannot carry, or the root, is refused before
// criu runs (runc's checkpoint.bats checks both).
func TestExternalKeyResolvesInTheRootfs(t *testing.T) {
	rootfs := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(rootfs, "a"), 0o755))
	require.NoError(t, os.Symlink("/real/conf", filepath.Join(rootfs, "conf")))
	key, err := externalKey(rootfs, "/conf")
	require.NoError(t, err)
	assert.Equal(t, "/real/conf", key)
	key, err = externalKey(rootfs, "/test")
	require.NoError(t, err)
	assert.Equal(t, "/test", key)
	for _, target := range []string{"/b/data]:/name", "/"} {
		link := filepath.Join(rootfs, "a", "data")
		_ = os.Remove(link)
		require.NoError(t, os.Symlink(target, link))
		_, err = externalKey(rootfs, "/a/data")
		assert.ErrorContains(t, err, "invalid external mount destination", target)
	}
}

// A bind inside another has its mount point made in the outer one's
// source; a file's mount point is a file.
func TestMakeMountpointsNestedAndFiles(t *testing.T) {
	rootfs, outer, inner := t.TempDir(), t.TempDir(), t.TempDir()
	file := filepath.Join(t.TempDir(), "hosts")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	s := &specs.Spec{Mounts: []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/test", Type: "bind", Source: outer},
		{Destination: "/test/for/nested", Source: inner, Options: []string{"rbind"}},
		{Destination: "/etc/hosts", Type: "bind", Source: file},
	}}
	require.NoError(t, makeMountpoints(s, "/", rootfs))
	assert.DirExists(t, filepath.Join(rootfs, "test"))
	assert.DirExists(t, filepath.Join(outer, "for", "nested"))
	assert.NoDirExists(t, filepath.Join(rootfs, "test", "for"))
	assert.NoDirExists(t, filepath.Join(rootfs, "proc"))
	st, err := os.Lstat(filepath.Join(rootfs, "etc", "hosts"))
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular())
	// Again: what is there is kept.
	require.NoError(t, makeMountpoints(s, "/", rootfs))
}

// The pipes init had are criu's own stdio on restore; files are not.
func TestInheritStdioTakesThePipes(t *testing.T) {
	dir := t.TempDir()
	images, err := openImageDir(dir, false)
	require.NoError(t, err)
	defer images.Close()
	require.NoError(t, writeDescriptors(images, []string{"pipe:[11]", "/dev/null", "pipe:[13]"}))
	opts, err := CriuOptions{ImagePath: dir}.base(&specs.Spec{}, criuDirs{images: images, work: images, logFile: "restore.log"})
	require.NoError(t, err)
	require.NoError(t, inheritStdio(images, opts))
	require.Len(t, opts.InheritFd, 2)
	assert.Equal(t, "pipe:[11]", opts.InheritFd[0].GetKey())
	assert.EqualValues(t, 0, opts.InheritFd[0].GetFd())
	assert.Equal(t, "pipe:[13]", opts.InheritFd[1].GetKey())
	assert.EqualValues(t, 2, opts.InheritFd[1].GetFd())
}

// The network namespace is always restored empty (we manage no network
// devices, as runc); the CRIU config file is runc's unless the
// annotation names another, or none.
func TestCriuBaseOptions(t *testing.T) {
	images, err := openImageDir(t.TempDir(), false)
	require.NoError(t, err)
	defer images.Close()
	d := criuDirs{images: images, work: images, logFile: "dump.log"}
	opts, err := CriuOptions{}.base(&specs.Spec{}, d)
	require.NoError(t, err)
	assert.EqualValues(t, unix.CLONE_NEWNET, opts.GetEmptyNs())
	assert.Equal(t, criuDefaultConfig, opts.GetConfigFile())
	assert.Nil(t, opts.ManageCgroupsMode)
	opts, err = CriuOptions{ManageCgroupsMode: "ignore"}.base(&specs.Spec{Annotations: map[string]string{criuConfigAnnotation: ""}}, d)
	require.NoError(t, err)
	assert.Nil(t, opts.ConfigFile)
	assert.Equal(t, "IGNORE", opts.GetManageCgroupsMode().String())
	_, err = CriuOptions{ManageCgroupsMode: "odd"}.base(&specs.Spec{}, d)
	assert.ErrorContains(t, err, "--manage-cgroups-mode")
	_, err = CriuOptions{EmptyNs: []string{"ipc"}}.base(&specs.Spec{}, d)
	assert.ErrorContains(t, err, "only network")
}
