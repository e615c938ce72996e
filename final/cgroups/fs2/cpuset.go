package fs2

import (
	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setCPUSet writes the CPU list (-cpuset). Unlike v1, an empty
// cpuset.mems is fine in v2: it means "the parent's".
func setCPUSet(dir string, res *resources.Resources) error {
	if res.CPUSet != "" {
		if err := fscommon.WriteFile(dir, "cpuset.cpus", res.CPUSet); err != nil {
			return err
		}
	}
	if res.CPUMems != "" {
		return fscommon.WriteFile(dir, "cpuset.mems", res.CPUMems)
	}
	return nil
}
