package container

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
)

// enterCgroupNamespace gives init a cgroup namespace of its own, once the
// monitor has put it into its cgroup (it has, by the time init reads its
// command): the container sees its cgroup as "/", and nothing above it.
func enterCgroupNamespace() error {
	if _, err := os.Stat("/proc/self/ns/cgroup"); err != nil {
		return nil // a kernel without cgroup namespaces (before 4.6)
	}
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return fmt.Errorf("make a cgroup namespace: %w", err)
	}
	return nil
}

// mountCgroupFS mounts the cgroup filesystem at /sys/fs/cgroup, read-only
// unless privileged, from the container's cgroup namespace: cgroup2 on a
// host that has only it; on a v1 or hybrid host a tmpfs with each of the
// hierarchies init is in (read from /proc/self/cgroup, as the kernel
// shows them to our namespace), as docker lays them out.
func mountCgroupFS(readOnly bool) error {
	ro := uintptr(0)
	if readOnly {
		ro = unix.MS_RDONLY
	}
	flags := unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | ro
	hierarchies, err := cgroups.Hierarchies()
	if err != nil {
		return err
	}
	if len(hierarchies) == 1 && hierarchies[0] == "" {
		return mountAt("cgroup2", "/sys/fs/cgroup", "cgroup2", flags, "")
	}
	if err := mountAt("tmpfs", "/sys/fs/cgroup", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755,size=64k"); err != nil {
		return err
	}
	for _, h := range hierarchies {
		var err error
		switch {
		case h == "":
			err = mountAt("cgroup2", "/sys/fs/cgroup/unified", "cgroup2", flags, "")
		case strings.HasPrefix(h, "name="):
			err = mountAt("cgroup", "/sys/fs/cgroup/"+strings.TrimPrefix(h, "name="), "cgroup", flags, "none,"+h)
		default:
			err = mountAt("cgroup", "/sys/fs/cgroup/"+h, "cgroup", flags, h)
		}
		if err != nil {
			return err
		}
	}
	if !readOnly {
		return nil
	}
	return unix.Mount("", "/sys/fs/cgroup", "", unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755,size=64k")
}
