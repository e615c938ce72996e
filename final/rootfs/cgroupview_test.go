package rootfs

import (
	"testing"

	"github.com/moby/sys/mountinfo"
	"github.com/stretchr/testify/assert"
)

// A hybrid host's cgroup mounts, as this project's CI host has them.
var hybridMounts = []*mountinfo.Info{
	{Root: "/", Mountpoint: "/sys/fs/cgroup/unified", FSType: "cgroup2", VFSOptions: "rw,nsdelegate"},
	{Root: "/", Mountpoint: "/sys/fs/cgroup/systemd", FSType: "cgroup", VFSOptions: "rw,xattr,name=systemd"},
	{Root: "/", Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", FSType: "cgroup", VFSOptions: "rw,cpu,cpuacct"},
	{Root: "/", Mountpoint: "/sys/fs/cgroup/memory", FSType: "cgroup", VFSOptions: "rw,memory"},
	// A container's view of its own cgroup: not the hierarchy's root.
	{Root: "/other", Mountpoint: "/run/other/memory", FSType: "cgroup", VFSOptions: "rw,memory"},
}

// Without a cgroup namespace (containerd's CRI on v1), each hierarchy is
// the host's directory of init's own cgroup, as runc binds it.
func TestOwnCgroupSourceWithoutCgroupNamespace(t *testing.T) {
	const pod = "/kubepods/burstable/pod1/abc"
	for h, want := range map[hierarchy]string{
		{"memory", pod}:       "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc",
		{"cpu,cpuacct", pod}:  "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod1/abc",
		{"name=systemd", pod}: "/sys/fs/cgroup/systemd/kubepods/burstable/pod1/abc",
		{"", pod}:             "/sys/fs/cgroup/unified/kubepods/burstable/pod1/abc",
		{"pids", pod}:         "", // no mount of it: a new one
	} {
		assert.Equal(t, want, ownCgroupSource(hybridMounts, h), h.controllers)
	}
}

// In a cgroup namespace the path is "/": a new mount shows the container's
// own cgroup already.
func TestOwnCgroupSourceInCgroupNamespace(t *testing.T) {
	assert.Equal(t, "", ownCgroupSource(hybridMounts, hierarchy{"memory", "/"}))
}

// A mount whose root is below the hierarchy's serves only the cgroups
// under that root.
func TestOwnCgroupSourceBelowAMountsRoot(t *testing.T) {
	mounts := []*mountinfo.Info{{Root: "/ns", Mountpoint: "/sys/fs/cgroup/memory", FSType: "cgroup", VFSOptions: "rw,memory"}}
	assert.Equal(t, "/sys/fs/cgroup/memory/c1", ownCgroupSource(mounts, hierarchy{"memory", "/ns/c1"}))
	assert.Equal(t, "", ownCgroupSource(mounts, hierarchy{"memory", "/elsewhere/c1"}))
	assert.Equal(t, "", ownCgroupSource(mounts, hierarchy{"memory", "/nsx/c1"}))
}
