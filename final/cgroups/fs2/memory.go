package fs2

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	if res.CheckBeforeUpdate {
		if err := checkBelowUsage(dir, res); err != nil {
			return err
		}
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

// checkBelowUsage refuses limits under what the cgroup uses now
// (linux.resources.memory.checkBeforeUpdate): the kernel would take
// such a limit and OOM-kill the container to meet it. memory+swap is
// checked first, against memory and swap in use together.
func checkBelowUsage(dir string, res *resources.Resources) error {
	mem, err := readUint(dir, "memory.current")
	if err != nil {
		return err
	}
	if res.MemorySwap > 0 && exists(dir, "memory.swap.current") {
		swap, err := readUint(dir, "memory.swap.current")
		if err != nil {
			return err
		}
		if uint64(res.MemorySwap) < mem+swap {
			return fmt.Errorf("rejecting memory+swap limit %d below usage %d", res.MemorySwap, mem+swap)
		}
	}
	if res.Memory > 0 && uint64(res.Memory) < mem {
		return fmt.Errorf("rejecting memory limit %d below usage %d", res.Memory, mem)
	}
	return nil
}

// readUint reads a cgroup file holding one number.
func readUint(dir, name string) (uint64, error) {
	s, err := fscommon.ReadFile(dir, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", name, err)
	}
	return n, nil
}
