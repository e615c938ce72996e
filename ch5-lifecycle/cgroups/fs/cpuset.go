package fs

import (
	"path/filepath"
	"strings"

	"github.com/mydocker/mydocker/ch5-lifecycle/cgroups/fscommon"
	"github.com/mydocker/mydocker/ch5-lifecycle/cgroups/resources"
)

// cpuset is the v1 cpuset controller (-cpuset).
type cpuset struct{}

func (*cpuset) Name() string { return "cpuset" }

func (*cpuset) Configured(res *resources.Resources) bool { return res.CPUSet != "" }

// Set fills cpuset.cpus and cpuset.mems on the way down from the mount
// point: a new v1 cpuset starts with both empty, and the kernel refuses
// to put a process into such a cgroup ("no space left on device", where
// the book's code failed). Each level copies its parent; the container's own level then
// narrows the CPUs to the ones asked for.
func (*cpuset) Set(mount, path string, res *resources.Resources) error {
	parent := mount
	for _, name := range strings.Split(path, "/") {
		dir := filepath.Join(parent, name)
		for _, file := range []string{"cpuset.cpus", "cpuset.mems"} {
			if err := copyIfEmpty(parent, dir, file); err != nil {
				return err
			}
		}
		parent = dir
	}
	if res.CPUSet == "" {
		return nil // joined only (JoinAll): the parent's CPUs
	}
	return fscommon.WriteFile(parent, "cpuset.cpus", res.CPUSet)
}

// copyIfEmpty copies the file from the parent cgroup to dir when dir's
// copy is empty.
func copyIfEmpty(parent, dir, file string) error {
	if cur, err := fscommon.ReadFile(dir, file); err == nil && cur != "" {
		return nil
	}
	value, err := fscommon.ReadFile(parent, file)
	if err != nil {
		return err
	}
	return fscommon.WriteFile(dir, file, value)
}
