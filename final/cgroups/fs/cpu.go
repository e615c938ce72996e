package fs

import (
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// cpu is the v1 cpu controller (-cpushare): under contention, CPU time is
// shared in proportion to cpu.shares.
type cpu struct{}

func (*cpu) Name() string { return "cpu" }

func (*cpu) Configured(res *resources.Resources) bool { return res.CPUShares > 0 }

func (*cpu) Set(mount, path string, res *resources.Resources) error {
	shares := strconv.FormatUint(res.CPUShares, 10)
	return fscommon.WriteFile(filepath.Join(mount, path), "cpu.shares", shares)
}
