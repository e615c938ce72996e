package fs

import (
	"strings"
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hybridMountinfo = `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
31 27 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

func TestControllerMounts(t *testing.T) {
	infos, err := mountinfo.GetMountsFromReader(strings.NewReader(hybridMountinfo), mountinfo.FSTypeFilter("cgroup"))
	require.NoError(t, err)
	mounts := controllerMounts(infos)

	assert.Equal(t, "/sys/fs/cgroup/memory", mounts["memory"])
	assert.Equal(t, "/sys/fs/cgroup/cpu,cpuacct", mounts["cpu"], "controllers that share a hierarchy")
	assert.Equal(t, "/sys/fs/cgroup/cpu,cpuacct", mounts["cpuacct"])
	assert.Equal(t, "/sys/fs/cgroup/cpuset", mounts["cpuset"])
	assert.NotContains(t, mounts, "ext4")
	assert.NotContains(t, mounts, "mode=755", "the tmpfs is not a hierarchy")
	for _, mount := range mounts {
		assert.NotEqual(t, "/sys/fs/cgroup/unified", mount, "the v2 mount of a hybrid host has no controllers")
	}
}

func TestUnifiedMount(t *testing.T) {
	infos, err := mountinfo.GetMountsFromReader(strings.NewReader(hybridMountinfo), mountinfo.FSTypeFilter("cgroup2"))
	require.NoError(t, err)
	assert.Equal(t, "/sys/fs/cgroup/unified", unifiedMount(infos))
	assert.Equal(t, "", unifiedMount(nil), "a v1-only host")
}

func TestHierarchiesNamesEachOnce(t *testing.T) {
	infos, err := mountinfo.GetMountsFromReader(strings.NewReader(hybridMountinfo+
		"42 31 0:39 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,clone_children,blkio\n"), mountinfo.FSTypeFilter("cgroup"))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"blkio":        "/sys/fs/cgroup/blkio",
		"cpu":          "/sys/fs/cgroup/cpu,cpuacct",
		"cpuset":       "/sys/fs/cgroup/cpuset",
		"memory":       "/sys/fs/cgroup/memory",
		"name=systemd": "/sys/fs/cgroup/systemd",
	}, Hierarchies(controllerMounts(infos)))
}

func TestJoinAllMakesTheCgroupInEveryHierarchy(t *testing.T) {
	root := t.TempDir()
	mounts := map[string]string{"memory": root + "/memory", "cpu": root + "/cpu,cpuacct", "cpuacct": root + "/cpu,cpuacct",
		"rw": root + "/memory", "name=systemd": root + "/systemd"}
	m := NewManager(mounts, "mydocker/abc").JoinAll(root + "/unified")
	require.NoError(t, m.joinTheRest())
	assert.Equal(t, map[string]string{
		"cpu":          root + "/cpu,cpuacct/mydocker/abc",
		"memory":       root + "/memory/mydocker/abc",
		"name=systemd": root + "/systemd/mydocker/abc",
		"unified":      root + "/unified/mydocker/abc",
	}, m.Paths())
}
