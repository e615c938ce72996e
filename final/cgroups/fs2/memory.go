package fs2

import (
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setMemory writes the memory limit (-m) to memory.max, and forbids swap
// with memory.swap.max = 0: a container over its limit is OOM-killed
// instead of swapping forever. memory.swap.max exists only when the
// kernel accounts swap.
func setMemory(dir string, res *resources.Resources) error {
	if res.Memory <= 0 {
		return nil
	}
	if err := fscommon.WriteFile(dir, "memory.max", strconv.FormatInt(res.Memory, 10)); err != nil {
		return err
	}
	if exists(dir, "memory.swap.max") {
		return fscommon.WriteFile(dir, "memory.swap.max", "0")
	}
	return nil
}
