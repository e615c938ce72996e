package fs2

import (
	"errors"
	"fmt"
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
