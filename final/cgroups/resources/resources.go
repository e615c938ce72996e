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
	// Memory is the memory limit in bytes (-m).
	Memory int64
	// CPUShares is the relative CPU weight of cgroup v1, 2..262144, default
	// 1024 (-cpushare). cgroup v2 gets it converted to cpu.weight.
	CPUShares uint64
	// CPUSet is the list of CPUs the container may run on, such as "0-1"
	// (-cpuset).
	CPUSet string
}

// IsEmpty reports whether no limit is set.
func (r *Resources) IsEmpty() bool { return *r == Resources{} }

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
