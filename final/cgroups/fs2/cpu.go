package fs2

import (
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setCPU writes the CPU shares (-cpushare) as cpu.weight.
func setCPU(dir string, res *resources.Resources) error {
	if res.CPUShares == 0 {
		return nil
	}
	weight := strconv.FormatUint(SharesToWeight(res.CPUShares), 10)
	return fscommon.WriteFile(dir, "cpu.weight", weight)
}

// SharesToWeight converts v1 cpu.shares (2..262144) to v2 cpu.weight
// (1..10000) linearly, with the formula runc and the OCI runtimes use, so
// that a value means the same to every runtime. Note that the v1 default,
// 1024, becomes 39 and not v2's default of 100: v1 and v2 disagree on
// where the middle is, and the runtimes chose the linear map.
func SharesToWeight(shares uint64) uint64 {
	if shares == 0 {
		return 0
	}
	return 1 + ((shares-2)*9999)/262142
}
