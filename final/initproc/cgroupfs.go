package initproc

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
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
