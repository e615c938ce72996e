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
