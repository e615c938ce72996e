package fs

import (
	"fmt"
	"strings"
	"sync"

	"github.com/moby/sys/mountinfo"
)

// cgroupMounts reads the cgroup and cgroup2 mounts of /proc/self/mountinfo
// once a process: a host's hierarchies do not move while a command runs,
// and its mountinfo has a line per running container's overlay, which a
// command's each look at its cgroups parsed again (as runc, which reads
// it once too).
var cgroupMounts = sync.OnceValues(func() ([]*mountinfo.Info, error) {
	return mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup", "cgroup2"))
})

// FindMounts finds where each v1 controller is mounted, from
// /proc/self/mountinfo: {"memory": "/sys/fs/cgroup/memory", ...}.
func FindMounts() (map[string]string, error) {
	infos, err := cgroupMounts()
	if err != nil {
		return nil, fmt.Errorf("find cgroup v1 mounts: %w", err)
	}
	return controllerMounts(infos), nil
}

// controllerMounts maps each controller to the mount point of its
// hierarchy. The super options of a v1 mount, as in
//
//	35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
//
// name its controllers; several can share one ("rw,cpu,cpuacct"). The first
// mount of a hierarchy wins: a bind of it elsewhere (a container's view of
// its own cgroup) is not where the hierarchy's root is.
func controllerMounts(infos []*mountinfo.Info) map[string]string {
	mounts := map[string]string{}
	for _, info := range infos {
		if info.FSType != "cgroup" {
			continue
		}
		for _, opt := range strings.Split(info.VFSOptions, ",") {
			if _, seen := mounts[opt]; !seen {
				mounts[opt] = info.Mountpoint
			}
		}
	}
	return mounts
}

// FindUnified finds a hybrid host's cgroup2 mount (as systemd makes at
// /sys/fs/cgroup/unified), where systemd tracks units and sessions beside
// the v1 hierarchies: "" when there is none.
func FindUnified() (string, error) {
	infos, err := cgroupMounts()
	if err != nil {
		return "", fmt.Errorf("find the cgroup2 mount: %w", err)
	}
	return unifiedMount(infos), nil
}

// unifiedMount is the first cgroup2 mount of infos, whose root is the
// hierarchy's own (not a bind of a cgroup below it).
func unifiedMount(infos []*mountinfo.Info) string {
	for _, info := range infos {
		if info.FSType == "cgroup2" && info.Root == "/" {
			return info.Mountpoint
		}
	}
	return ""
}
