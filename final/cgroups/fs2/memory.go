package fs2

import (
	"errors"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setMemory writes the memory limit (-m) to memory.max, and forbids swap
// with memory.swap.max = 0: a container over its limit is OOM-killed
// instead of swapping forever. memory.swap.max exists only when the
// kernel accounts swap. An OCI bundle's swap limit is memory plus swap
// (v1's memsw); v2's swap.max is the swap alone.
func setMemory(dir string, res *resources.Resources) error {
	if res.Swappiness != nil {
		return errors.New("memory swappiness: cgroup v2 has no such setting")
	}
	if res.DisableOOMKiller {
		return errors.New("disabling the OOM killer: cgroup v2 has no such setting")
	}
	if res.Memory != 0 {
		if err := fscommon.WriteFile(dir, "memory.max", limitValue(res.Memory)); err != nil {
			return err
		}
	}
	if res.MemoryReservation > 0 {
		if err := fscommon.WriteFile(dir, "memory.low", strconv.FormatInt(res.MemoryReservation, 10)); err != nil {
			return err
		}
	}
	if !exists(dir, "memory.swap.max") {
		return nil
	}
	switch {
	case res.MemorySwap == -1 || (res.Memory == -1 && res.MemorySwap == 0):
		// No memory limit is no swap limit either, as runc has it.
		return fscommon.WriteFile(dir, "memory.swap.max", "max")
	case res.MemorySwap > 0 && res.Memory > 0:
		swap := res.MemorySwap - res.Memory
		if swap < 0 {
			return errors.New("memory+swap limit is below the memory limit")
		}
		return fscommon.WriteFile(dir, "memory.swap.max", strconv.FormatInt(swap, 10))
	case res.Memory > 0:
		return fscommon.WriteFile(dir, "memory.swap.max", "0")
	}
	return nil
}

// limitValue is a limit as v2's files take it: -1 (none) is "max".
func limitValue(n int64) string {
	if n < 0 {
		return "max"
	}
	return strconv.FormatInt(n, 10)
}
