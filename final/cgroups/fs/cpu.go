package fs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// cpu is the v1 cpu controller (-cpushare): under contention, CPU time is
// shared in proportion to cpu.shares.
type cpu struct{}

func (*cpu) Name() string { return "cpu" }

func (*cpu) Configured(res *resources.Resources) bool { return res.HasCPU() }

// Set writes cpu.shares (-cpushare), and the CFS quota per period that
// --cpus allows: of every 100 ms, the container runs at most quota µs.
// The period comes first: the kernel checks the quota against it.
func (*cpu) Set(mount, path string, res *resources.Resources) error {
	dir := filepath.Join(mount, path)
	if res.CPUShares > 0 {
		if err := fscommon.WriteFile(dir, "cpu.shares", strconv.FormatUint(res.CPUShares, 10)); err != nil {
			return err
		}
	}
	if err := setIdle(dir, res.CPUIdle); err != nil {
		return err
	}
	if quota, period, ok := res.QuotaAndPeriod(); ok {
		if err := fscommon.WriteFile(dir, "cpu.cfs_period_us", strconv.FormatUint(period, 10)); err != nil {
			return err
		}
		if err := fscommon.WriteFile(dir, "cpu.cfs_quota_us", strconv.FormatInt(quota, 10)); err != nil {
			return err
		}
	}
	if res.CPURealtimePeriod != 0 {
		if err := fscommon.WriteFile(dir, "cpu.rt_period_us", strconv.FormatUint(res.CPURealtimePeriod, 10)); err != nil {
			return err
		}
	}
	if res.CPURealtimeRuntime != 0 {
		return fscommon.WriteFile(dir, "cpu.rt_runtime_us", strconv.FormatInt(res.CPURealtimeRuntime, 10))
	}
	return nil
}

// setIdle writes cpu.idle, which v1 has too from Linux 5.15. Where it
// is missing, asking for 0 (the default) loses nothing.
func setIdle(dir string, idle *int64) error {
	if idle == nil {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "cpu.idle")); err != nil {
		if *idle == 0 {
			return nil
		}
		return fmt.Errorf("cpu idle: this kernel has no cpu.idle (Linux 5.15 on): %w", err)
	}
	return fscommon.WriteFile(dir, "cpu.idle", strconv.FormatInt(*idle, 10))
}

// pids is the v1 pids controller (--pids-limit).
type pids struct{}

func (*pids) Name() string { return "pids" }

func (*pids) Configured(res *resources.Resources) bool { return res.PidsLimit != 0 }

// Set writes pids.max: -1, no limit, is "max", as in v2.
func (*pids) Set(mount, path string, res *resources.Resources) error {
	limit := strconv.FormatInt(res.PidsLimit, 10)
	if res.PidsLimit < 0 {
		limit = "max"
	}
	return fscommon.WriteFile(filepath.Join(mount, path), "pids.max", limit)
}

// freezer is the v1 freezer: no limit, it stops and thaws the cgroup's
// processes (pause, resume).
type freezer struct{}

func (*freezer) Name() string { return "freezer" }

func (*freezer) Configured(*resources.Resources) bool { return false }

func (*freezer) Set(string, string, *resources.Resources) error { return nil }
