package fs

import (
	"math"
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
		// memsw is memory plus swap. Setting it to the memory limit
		// forbids swap, so a container over its limit is OOM-killed
		// instead of swapping forever. The file exists only when the
		// kernel accounts swap.
		memsw := res.MemorySwap
		if _, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes")); err == nil && memsw == 0 {
			memsw = res.Memory
		}
		for _, w := range limitWrites(dir, res.Memory, memsw) {
			if err := fscommon.WriteFile(dir, w.file, w.value); err != nil {
				return err
			}
		}
	} else if res.MemorySwap != 0 {
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

// write is one value for one file of a cgroup.
type write struct{ file, value string }

// limitWrites orders the writes of a memory limit and its memsw (0: none)
// so that the kernel takes each: the memory limit may never pass memsw,
// so memsw goes first when it is unlimited or not below the memory limit
// now (an update that raises both, as containerd's CRI sends them, swap
// equal to memory), and the memory limit first when they fall (runc's
// order).
func limitWrites(dir string, memory, memsw int64) []write {
	limit := write{"memory.limit_in_bytes", strconv.FormatInt(memory, 10)}
	if memsw == 0 {
		return []write{limit}
	}
	swap := write{"memory.memsw.limit_in_bytes", strconv.FormatInt(memsw, 10)}
	if memsw == -1 || memsw >= currentLimit(dir) {
		return []write{swap, limit}
	}
	return []write{limit, swap}
}

// currentLimit is the cgroup's memory limit now; an unreadable one counts
// as none (a new cgroup's is the maximum).
func currentLimit(dir string) int64 {
	now, err := fscommon.ReadFile(dir, "memory.limit_in_bytes")
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(now, 10, 64)
	if err != nil {
		// Above int64 is the kernel's "no limit" rounded to pages.
		return math.MaxInt64
	}
	return n
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
