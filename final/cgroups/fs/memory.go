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

func (*memory) Configured(res *resources.Resources) bool { return res.Memory > 0 }

func (*memory) Set(mount, path string, res *resources.Resources) error {
	dir := filepath.Join(mount, path)
	limit := strconv.FormatInt(res.Memory, 10)
	if err := fscommon.WriteFile(dir, "memory.limit_in_bytes", limit); err != nil {
		return err
	}
	// memsw is memory plus swap. Setting it to the same value forbids swap,
	// so a container over its limit is OOM-killed instead of swapping
	// forever. The file exists only when the kernel accounts swap.
	if _, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes")); err == nil {
		return fscommon.WriteFile(dir, "memory.memsw.limit_in_bytes", limit)
	}
	return nil
}
