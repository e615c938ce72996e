package fs2

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setCPU writes the CPU shares (-cpushare) as cpu.weight, and --cpus as
// cpu.max: "QUOTA PERIOD", both in µs.
func setCPU(dir string, res *resources.Resources) error {
	if res.CPUShares > 0 {
		weight := strconv.FormatUint(SharesToWeight(res.CPUShares), 10)
		if err := fscommon.WriteFile(dir, "cpu.weight", weight); err != nil {
			return err
		}
	}
	if res.CPUIdle != nil {
		if err := fscommon.WriteFile(dir, "cpu.idle", strconv.FormatInt(*res.CPUIdle, 10)); err != nil {
			return err
		}
	}
	if res.CPURealtimeRuntime != 0 || res.CPURealtimePeriod != 0 {
		return errors.New("real-time CPU limits: cgroup v2 has no such setting")
	}
	if quota, period, ok := res.QuotaAndPeriod(); ok {
		max := fmt.Sprintf("%d %d", quota, period)
		if quota < 0 {
			max = fmt.Sprintf("max %d", period)
		}
		return fscommon.WriteFile(dir, "cpu.max", max)
	}
	return nil
}

// setPids writes --pids-limit as pids.max.
func setPids(dir string, res *resources.Resources) error {
	if res.PidsLimit == 0 {
		return nil
	}
	return fscommon.WriteFile(dir, "pids.max", limitValue(res.PidsLimit))
}

// SharesToWeight converts v1 cpu.shares (2..262144) to v2 cpu.weight
// (1..10000) with the curve runc (1.3 on) and crun use, so that a value
// means the same to every runtime: through the three points where v1 and
// v2 agree, the least (2 → 1), the default (1024 → 100) and the most
// (262144 → 10000), a parabola in log2(shares) on a log10 scale. The
// linear map runc used before put the v1 default at 39, under v2's
// default of 100, so that a container given --cpu-shares 1024 got less
// CPU than one given none (the book's stages keep that map).
func SharesToWeight(shares uint64) uint64 {
	if shares == 0 {
		return 0
	}
	l := math.Log2(float64(shares))
	exponent := (l*l+125*l)/612.0 - 7.0/34.0
	return min(max(uint64(math.Ceil(math.Pow(10, exponent))), 1), 10000)
}
