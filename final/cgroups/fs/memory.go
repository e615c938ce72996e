package fs

import (
	"os"
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// memory is the v1 memory controller (-m).
type memory struct{}

func (*memory) Name() string { return "memory" }

func (*memory) Configured(res *resources.Resources) bool {
	return res.HasMemory() || res.KernelMemoryTCP != 0
}

func (*memory) Set(mount, path string, res *resources.Resources) error {
	dir := filepath.Join(mount, path)
	if res.Memory == -1 {
		if err := liftMemoryLimit(dir, res.MemorySwap); err != nil {
			return err
		}
	}
	if res.Memory > 0 {
		limit := strconv.FormatInt(res.Memory, 10)
		// memsw is memory plus swap. Setting it to the same value forbids
		// swap, so a container over its limit is OOM-killed instead of
		// swapping forever. The file exists only when the kernel accounts
		// swap. The memory limit may never pass memsw: a limit raised on a
		// running container (update) raises memsw first.
		_, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes"))
		memsw := err == nil && res.MemorySwap == 0
		if memsw && raisesMemsw(dir, res.Memory) {
			if err := fscommon.WriteFile(dir, "memory.memsw.limit_in_bytes", limit); err != nil {
				return err
			}
		}
		if err := fscommon.WriteFile(dir, "memory.limit_in_bytes", limit); err != nil {
			return err
		}
		if memsw {
			if err := fscommon.WriteFile(dir, "memory.memsw.limit_in_bytes", limit); err != nil {
				return err
			}
		}
	}
	if res.MemorySwap != 0 {
		if err := fscommon.WriteFile(dir, "memory.memsw.limit_in_bytes", strconv.FormatInt(res.MemorySwap, 10)); err != nil {
			return err
		}
	}
	if res.MemoryReservation != 0 {
		if err := fscommon.WriteFile(dir, "memory.soft_limit_in_bytes", strconv.FormatInt(res.MemoryReservation, 10)); err != nil {
			return err
		}
	}
	if res.Swappiness != nil {
		if err := fscommon.WriteFile(dir, "memory.swappiness", strconv.FormatUint(*res.Swappiness, 10)); err != nil {
			return err
		}
	}
	if res.DisableOOMKiller {
		if err := fscommon.WriteFile(dir, "memory.oom_control", "1"); err != nil {
			return err
		}
	}
	return setKernelTCP(dir, res.KernelMemoryTCP)
}

// setKernelTCP writes the limit of the kernel's TCP buffers where the
// kernel still has the file, and ignores it where not, as runc does with
// kernel memory: Linux deprecated kmem limits (5.4) and may drop them.
func setKernelTCP(dir string, limit int64) error {
	const name = "memory.kmem.tcp.limit_in_bytes"
	if limit == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		return nil
	}
	return fscommon.WriteFile(dir, name, strconv.FormatInt(limit, 10))
}

// raisesMemsw reports whether limit is above the cgroup's memsw limit now.
func raisesMemsw(dir string, limit int64) bool {
	now, err := fscommon.ReadFile(dir, "memory.memsw.limit_in_bytes")
	if err != nil {
		return false
	}
	n, err := strconv.ParseInt(now, 10, 64)
	return err == nil && limit > n
}

// liftMemoryLimit removes the memory limit (an update's -1): memsw
// first, since the memory limit may never pass it, unless a swap limit
// of its own is asked for.
func liftMemoryLimit(dir string, swap int64) error {
	if _, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes")); err == nil && swap <= 0 {
		if err := fscommon.WriteFile(dir, "memory.memsw.limit_in_bytes", "-1"); err != nil {
			return err
		}
	}
	return fscommon.WriteFile(dir, "memory.limit_in_bytes", "-1")
}
