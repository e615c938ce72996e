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

func (*cpu) Configured(res *resources.Resources) bool { return res.CPUShares > 0 || res.NanoCPUs > 0 }

// Set writes cpu.shares (-cpushare), and the CFS quota per period that
// --cpus allows: of every 100 ms, the container runs at most quota µs.
func (*cpu) Set(mount, path string, res *resources.Resources) error {
	dir := filepath.Join(mount, path)
	if res.CPUShares > 0 {
		if err := fscommon.WriteFile(dir, "cpu.shares", strconv.FormatUint(res.CPUShares, 10)); err != nil {
			return err
		}
	}
	if res.NanoCPUs > 0 {
		if err := fscommon.WriteFile(dir, "cpu.cfs_period_us", strconv.Itoa(resources.CFSPeriod)); err != nil {
			return err
		}
		return fscommon.WriteFile(dir, "cpu.cfs_quota_us", strconv.FormatInt(res.CFSQuota(), 10))
	}
	return nil
}

// pids is the v1 pids controller (--pids-limit).
type pids struct{}

func (*pids) Name() string { return "pids" }

func (*pids) Configured(res *resources.Resources) bool { return res.PidsLimit > 0 }

func (*pids) Set(mount, path string, res *resources.Resources) error {
	return fscommon.WriteFile(filepath.Join(mount, path), "pids.max", strconv.FormatInt(res.PidsLimit, 10))
}
