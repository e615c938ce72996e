// Package resources parses and holds the limits of a container: the run
// flags -m, -cpushare and -cpuset.
package resources

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// MinMemory is the smallest memory limit accepted, as in docker: below it
// the container's own runtime (a shell and its libraries) cannot start.
const MinMemory = 6 << 20

// Resources are the limits of one container. A zero value means "no limit".
type Resources struct {
	// Memory is the memory limit in bytes (-m); -1 lifts a limit set
	// before (an OCI runtime's update).
	Memory int64
	// CPUShares is the relative CPU weight of cgroup v1, 2..262144, default
	// 1024 (-cpushare). cgroup v2 gets it converted to cpu.weight.
	CPUShares uint64
	// CPUSet is the list of CPUs the container may run on, such as "0-1"
	// (-cpuset).
	CPUSet string
	// NanoCPUs is the CPU time allowed, in billionths of a CPU (--cpus
	// 0.5 is 5e8): a quota per CFS period.
	NanoCPUs int64
	// PidsLimit is the most processes the container may have at once
	// (--pids-limit): a fork bomb stops there. -1 lifts a limit set
	// before (an OCI runtime's update).
	PidsLimit int64
	// Devices, when set, are the only devices the container may use
	// (DefaultDeviceRules); nil leaves them all (--privileged).
	Devices []DeviceRule `json:"devices,omitempty"`

	// The limits below come from an OCI bundle's linux.resources only
	// (package oci); mydocker's flags set the ones above.

	// MemoryReservation is the soft limit, in bytes.
	MemoryReservation int64 `json:"memoryReservation,omitempty"`
	// MemorySwap is memory plus swap, in bytes; -1 is no limit; 0 keeps
	// the default (no swap beyond Memory).
	MemorySwap int64 `json:"memorySwap,omitempty"`
	// Swappiness is v1's memory.swappiness, 0..100.
	Swappiness *uint64 `json:"swappiness,omitempty"`
	// DisableOOMKiller stops v1's OOM killer for the cgroup.
	DisableOOMKiller bool `json:"disableOOMKiller,omitempty"`
	// CheckBeforeUpdate refuses, on cgroup v2, a memory (or memory+swap)
	// limit below what the cgroup uses now, instead of letting the
	// kernel reclaim and then OOM-kill to fit (an OCI runtime's update).
	CheckBeforeUpdate bool `json:"checkBeforeUpdate,omitempty"`
	// CPUQuota and CPUPeriod are the CFS quota and period in µs, as the
	// spec gives them (NanoCPUs is --cpus).
	CPUQuota  int64  `json:"cpuQuota,omitempty"`
	CPUPeriod uint64 `json:"cpuPeriod,omitempty"`
	// CPURealtimeRuntime and CPURealtimePeriod are v1's real-time budget.
	CPURealtimeRuntime int64  `json:"cpuRealtimeRuntime,omitempty"`
	CPURealtimePeriod  uint64 `json:"cpuRealtimePeriod,omitempty"`
	// CPUMems is the list of memory nodes, such as "0".
	CPUMems string `json:"cpuMems,omitempty"`
	// CPUIdle is cpu.idle: 1 schedules the cgroup as SCHED_IDLE.
	CPUIdle *int64 `json:"cpuIdle,omitempty"`
	// KernelMemoryTCP is v1's memory.kmem.tcp.limit_in_bytes; v2 has
	// no such file (its memory.max counts socket buffers).
	KernelMemoryTCP int64 `json:"kernelMemoryTCP,omitempty"`
	// HugepageLimits are hugetlb limits, one per page size.
	HugepageLimits []HugepageLimit `json:"hugepageLimits,omitempty"`
	// Unified are raw cgroup v2 files to write, name -> value, after
	// every other limit (linux.resources.unified).
	Unified map[string]string `json:"unified,omitempty"`
	// BlockIO are block I/O weights and throttles (linux.resources.blockIO).
	BlockIO *BlockIO `json:"blockIO,omitempty"`
	// Rdma are RDMA limits per device (linux.resources.rdma).
	Rdma map[string]RdmaLimit `json:"rdma,omitempty"`
}

// HugepageLimit is the most memory, in bytes, that the cgroup may use in
// pages of PageSize, named as the kernel's hugetlb files name it ("2MB").
type HugepageLimit struct {
	PageSize string `json:"pageSize"`
	Limit    uint64 `json:"limit"`
}

// HugetlbNeeded reports whether a hugetlb limit is more than 0. A limit
// of 0 where the host has no hugetlb controller is no limit lost: the
// kubelet sends one for every page size of the host, whatever it has.
func (r *Resources) HugetlbNeeded() bool {
	for _, l := range r.HugepageLimits {
		if l.Limit != 0 {
			return true
		}
	}
	return false
}

// HasMemory reports whether any memory limit is set.
func (r *Resources) HasMemory() bool {
	return r.Memory != 0 || r.MemoryReservation != 0 || r.MemorySwap != 0 || r.Swappiness != nil || r.DisableOOMKiller
}

// HasCPU reports whether any limit of the cpu controller is set.
func (r *Resources) HasCPU() bool {
	return r.CPUShares != 0 || r.NanoCPUs != 0 || r.CPUQuota != 0 || r.CPUPeriod != 0 || r.CPURealtimeRuntime != 0 || r.CPURealtimePeriod != 0 || r.CPUIdle != nil
}

// QuotaAndPeriod are the CFS quota and period to write, from the spec's
// values or --cpus; ok is false when neither is set.
func (r *Resources) QuotaAndPeriod() (quota int64, period uint64, ok bool) {
	if r.CPUQuota != 0 || r.CPUPeriod != 0 {
		period = r.CPUPeriod
		if period == 0 {
			period = CFSPeriod
		}
		quota = r.CPUQuota
		if quota == 0 {
			quota = -1
		}
		return quota, period, true
	}
	if r.NanoCPUs > 0 {
		return r.CFSQuota(), CFSPeriod, true
	}
	return 0, 0, false
}

// CFSPeriod is the period, in µs, that --cpus is a quota of: the
// kernel's default, as docker uses.
const CFSPeriod = 100000

// CFSQuota is the quota in µs per CFSPeriod that NanoCPUs allows.
func (r *Resources) CFSQuota() int64 { return r.NanoCPUs * CFSPeriod / 1e9 }

// ParseCPUs parses --cpus: a positive number of CPUs, at most online.
func ParseCPUs(s string, online int) (int64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > float64(online) {
		return 0, fmt.Errorf("invalid --cpus %q: want a number above 0 and at most %d (the CPUs online)", s, online)
	}
	n := int64(f * 1e9)
	if n*CFSPeriod/1e9 < 1000 { // the kernel's least quota is 1 ms
		return 0, fmt.Errorf("invalid --cpus %q: at least 0.01", s)
	}
	return n, nil
}

// ParsePidsLimit parses --pids-limit: a positive number of processes, or
// 0 or -1 for no limit, as docker.
func ParsePidsLimit(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < -1 {
		return 0, fmt.Errorf("invalid --pids-limit %q: want a number of processes (0 or -1: no limit)", s)
	}
	if n < 0 {
		n = 0
	}
	return n, nil
}

// HasLimits reports whether any limit but the device rules is set.
func (r *Resources) HasLimits() bool {
	return r.HasMemory() || r.HasCPU() || r.CPUSet != "" || r.CPUMems != "" || r.PidsLimit != 0 ||
		r.KernelMemoryTCP != 0 || len(r.HugepageLimits) > 0 || len(r.Unified) > 0 || r.BlockIO != nil || len(r.Rdma) > 0
}

// IsEmpty reports whether no limit is set.
func (r *Resources) IsEmpty() bool {
	return !r.HasLimits() && r.Devices == nil
}

// ParseMemory parses a size in bytes with an optional suffix b, k, m or g
// (powers of 1024, either case), such as "32m".
func ParseMemory(s string) (int64, error) {
	num, unit := s, int64(1)
	if n := len(s); n > 0 {
		switch strings.ToLower(s[n-1:]) {
		case "b":
			num = s[:n-1]
		case "k":
			num, unit = s[:n-1], 1<<10
		case "m":
			num, unit = s[:n-1], 1<<20
		case "g":
			num, unit = s[:n-1], 1<<30
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/unit {
		return 0, fmt.Errorf("invalid memory limit %q: want a size such as 100m (bytes, or k, m, g)", s)
	}
	if v*unit < MinMemory {
		return 0, fmt.Errorf("memory limit %q is below the minimum of 6m", s)
	}
	return v * unit, nil
}

// ParseCPUShares parses a relative CPU weight: 2 to 262144, as cgroup v1
// accepts.
func ParseCPUShares(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v < 2 || v > 262144 {
		return 0, fmt.Errorf("invalid cpu shares %q: want a number from 2 to 262144 (default 1024)", s)
	}
	return v, nil
}

// ParseCPUSet checks a CPU list such as "0", "0-1" or "0,2-3" against the
// CPUs that are online (a list in the same format) and returns it as given.
func ParseCPUSet(s, online string) (string, error) {
	want, err := parseCPUList(s)
	if err != nil {
		return "", fmt.Errorf("invalid cpuset %q: want a CPU list such as 0 or 0-1", s)
	}
	have, err := parseCPUList(online)
	if err != nil {
		return "", fmt.Errorf("read the online CPUs %q: %w", online, err)
	}
	for cpu := range want {
		if !have[cpu] {
			return "", fmt.Errorf("invalid cpuset %q: CPU %d does not exist (online: %s)", s, cpu, online)
		}
	}
	return s, nil
}

// OnlineCPUs reads the list of CPUs that are online.
func OnlineCPUs() (string, error) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return "", fmt.Errorf("read online CPUs: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// parseCPUList parses the kernel's list format ("0-2,4") into a set.
func parseCPUList(s string) (map[int]bool, error) {
	cpus := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		first, err := strconv.Atoi(lo)
		if err != nil || first < 0 {
			return nil, fmt.Errorf("bad CPU %q", part)
		}
		last := first
		if isRange {
			if last, err = strconv.Atoi(hi); err != nil || last < first {
				return nil, fmt.Errorf("bad CPU range %q", part)
			}
		}
		for cpu := first; cpu <= last; cpu++ {
			cpus[cpu] = true
		}
	}
	return cpus, nil
}
