package fs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// cpu is the v1 cpu controller (-cpushare): under contention, CPU time is
// shared in proportion to cpu.shares.
type cpu struct{}

func (*cpu) Name() string { return "cpu" }

func (*cpu) Configured(res *resources.Resources) bool { return res.HasCPU() }

// Set writes cpu.shares (-cpushare), cpu.idle, the CFS quota per period
// that --cpus allows (of every 100 ms, the container runs at most quota
// µs) and the real-time runtime per period.
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
		if err := writeBudget(fscommon.WriteFile, dir, cfsFiles, period, quota); err != nil {
			return err
		}
	}
	return writeBudget(fscommon.WriteFile, dir, rtFiles, res.CPURealtimePeriod, res.CPURealtimeRuntime)
}

// budgetFiles name a period and the CPU time a cgroup may use in each.
type budgetFiles struct{ period, budget string }

var (
	cfsFiles = budgetFiles{"cpu.cfs_period_us", "cpu.cfs_quota_us"}
	rtFiles  = budgetFiles{"cpu.rt_period_us", "cpu.rt_runtime_us"}
)

// writeBudget writes a period and the budget within it (0: leave it).
// The kernel checks each write against the other file's value now, and
// against the parent's: a real-time runtime may not pass its period, nor
// a CFS quota per period the parent's share. So the period goes first,
// as a longer budget needs it, but a shorter period that the old budget
// does not fit is refused (EINVAL): then the budget goes first, and the
// period after it (update --cpu-period 10000 --cpu-quota 3000 from a
// quota of 500000).
func writeBudget(write func(dir, file, value string) error, dir string, f budgetFiles, period uint64, budget int64) error {
	periodValue := strconv.FormatUint(period, 10)
	var periodErr error
	if period != 0 {
		periodErr = write(dir, f.period, periodValue)
		if periodErr != nil && (budget == 0 || !errors.Is(periodErr, unix.EINVAL)) {
			return periodErr
		}
	}
	if budget != 0 {
		if err := write(dir, f.budget, strconv.FormatInt(budget, 10)); err != nil {
			return err
		}
	}
	if periodErr != nil {
		return write(dir, f.period, periodValue)
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
