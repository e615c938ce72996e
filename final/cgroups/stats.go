package cgroups

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stats are a cgroup's counters, read from its files as runc's events
// --stats reports them: times in ns, sizes in bytes; a limit of "max" is
// the largest uint64 (memory) or 0 (pids), as runc has it.
type Stats struct {
	CPU     CPUStats
	Memory  MemoryStats
	Pids    PidsStats
	Blkio   BlkioStats
	Hugetlb map[string]HugetlbStats // by page size, "2MB"
}

type CPUStats struct {
	Total, User, Kernel                      uint64
	PerCPU                                   []uint64
	Periods, ThrottledPeriods, ThrottledTime uint64
}

// MemoryUsage is one of the memory controller's counters with its peak,
// limit and how often the limit was hit.
type MemoryUsage struct{ Usage, Max, Limit, Failcnt uint64 }

type MemoryStats struct {
	Cache               uint64
	Usage, Swap, Kernel MemoryUsage
	Raw                 map[string]uint64 // memory.stat
}

type PidsStats struct{ Current, Limit uint64 }

// BlkioEntry is a count of one device, of one kind ("Read", "Write").
type BlkioEntry struct {
	Major, Minor uint64
	Op           string
	Value        uint64
}

type BlkioStats struct{ ServiceBytes, Serviced []BlkioEntry }

type HugetlbStats struct{ Usage, Max, Failcnt uint64 }

// ReadStats reads the counters of the cgroup whose directories are paths
// (Manager.Paths: v2's under "", v1's one per hierarchy). A controller
// the cgroup is not in has zeros.
func ReadStats(paths map[string]string) Stats {
	if dir, ok := paths[""]; ok {
		return readStatsV2(dir)
	}
	return readStatsV1(paths)
}

func readStatsV2(dir string) Stats {
	var s Stats
	cpu := keyValues(readOr(dir, "cpu.stat"))
	s.CPU = CPUStats{Total: cpu["usage_usec"] * 1000, User: cpu["user_usec"] * 1000, Kernel: cpu["system_usec"] * 1000,
		Periods: cpu["nr_periods"], ThrottledPeriods: cpu["nr_throttled"], ThrottledTime: cpu["throttled_usec"] * 1000}
	events := keyValues(readOr(dir, "memory.events"))
	s.Memory.Raw = keyValues(readOr(dir, "memory.stat"))
	s.Memory.Cache = s.Memory.Raw["file"]
	s.Memory.Usage = MemoryUsage{Usage: number(readOr(dir, "memory.current")), Max: number(readOr(dir, "memory.peak")),
		Limit: limit(readOr(dir, "memory.max")), Failcnt: events["max"]}
	// As runc, swap is v1's memsw: memory and swap together.
	if swap := readOr(dir, "memory.swap.current"); swap != "" {
		s.Memory.Swap = MemoryUsage{Usage: s.Memory.Usage.Usage + number(swap), Limit: sumLimits(s.Memory.Usage.Limit, limit(readOr(dir, "memory.swap.max")))}
	}
	s.Pids = PidsStats{Current: number(readOr(dir, "pids.current")), Limit: number(readOr(dir, "pids.max"))}
	s.Blkio = ioStat(readOr(dir, "io.stat"))
	s.Hugetlb = hugetlbStats([]string{dir})
	return s
}

func readStatsV1(paths map[string]string) Stats {
	var s Stats
	dirs := make([]string, 0, len(paths))
	for _, d := range paths {
		dirs = append(dirs, d)
	}
	read := func(file string) string { return readIn(dirs, file) }
	acct := keyValues(read("cpuacct.stat"))
	const ticks = 1e9 / 100 // USER_HZ
	s.CPU = CPUStats{Total: number(read("cpuacct.usage")), User: acct["user"] * ticks, Kernel: acct["system"] * ticks}
	for _, f := range strings.Fields(read("cpuacct.usage_percpu")) {
		s.CPU.PerCPU = append(s.CPU.PerCPU, number(f))
	}
	cpu := keyValues(read("cpu.stat"))
	s.CPU.Periods, s.CPU.ThrottledPeriods, s.CPU.ThrottledTime = cpu["nr_periods"], cpu["nr_throttled"], cpu["throttled_time"]
	s.Memory.Raw = keyValues(read("memory.stat"))
	s.Memory.Cache = s.Memory.Raw["cache"]
	usage := func(prefix string) MemoryUsage {
		return MemoryUsage{Usage: number(read(prefix + "usage_in_bytes")), Max: number(read(prefix + "max_usage_in_bytes")),
			Limit: number(read(prefix + "limit_in_bytes")), Failcnt: number(read(prefix + "failcnt"))}
	}
	s.Memory.Usage, s.Memory.Swap, s.Memory.Kernel = usage("memory."), usage("memory.memsw."), usage("memory.kmem.")
	s.Pids = PidsStats{Current: number(read("pids.current")), Limit: number(read("pids.max"))}
	s.Blkio.ServiceBytes = blkioEntries(read("blkio.throttle.io_service_bytes_recursive"))
	s.Blkio.Serviced = blkioEntries(read("blkio.throttle.io_serviced_recursive"))
	s.Hugetlb = hugetlbStats(dirs)
	return s
}

// readIn reads file from the first of dirs that has it: v1's controllers
// share hierarchies (cpu,cpuacct) that Paths names once.
func readIn(dirs []string, file string) string {
	for _, d := range dirs {
		if s, err := os.ReadFile(filepath.Join(d, file)); err == nil {
			return strings.TrimSpace(string(s))
		}
	}
	return ""
}

// keyValues reads "key N" lines (cpu.stat, memory.stat, memory.events);
// a line whose value is no number is left out.
func keyValues(text string) map[string]uint64 {
	m := map[string]uint64{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(line, " ")
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); ok && err == nil {
			m[k] = n
		}
	}
	return m
}

// number is a counter; "max" and what is no number are 0.
func number(s string) uint64 {
	n, _ := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	return n
}

// limit is a v2 limit: "max" is none, the largest uint64.
func limit(s string) uint64 {
	if s == "max" {
		return math.MaxUint64
	}
	return number(s)
}

func sumLimits(a, b uint64) uint64 {
	if a == math.MaxUint64 || b == math.MaxUint64 {
		return math.MaxUint64
	}
	return a + b
}

// blkioEntries reads a v1 blkio file: "8:0 Read 1459200" lines (the
// "Total N" line has no device, and is left out as runc does).
func blkioEntries(text string) []BlkioEntry {
	var list []BlkioEntry
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		major, minor, ok := strings.Cut(f[0], ":")
		if !ok {
			continue
		}
		list = append(list, BlkioEntry{Major: number(major), Minor: number(minor), Op: f[1], Value: number(f[2])})
	}
	return list
}

// ioStat reads v2's io.stat ("8:0 rbytes=N wbytes=N rios=N wios=N
// dbytes=N dios=N") into v1's entries, as runc does.
func ioStat(text string) BlkioStats {
	var s BlkioStats
	ops := map[string]struct {
		op    string
		bytes bool
	}{"rbytes": {"Read", true}, "wbytes": {"Write", true}, "dbytes": {"Discard", true},
		"rios": {"Read", false}, "wios": {"Write", false}, "dios": {"Discard", false}}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		major, minor, ok := strings.Cut(f[0], ":")
		if !ok {
			continue
		}
		for _, kv := range f[1:] {
			k, v, _ := strings.Cut(kv, "=")
			o, ok := ops[k]
			if !ok {
				continue
			}
			e := BlkioEntry{Major: number(major), Minor: number(minor), Op: o.op, Value: number(v)}
			if o.bytes {
				s.ServiceBytes = append(s.ServiceBytes, e)
			} else {
				s.Serviced = append(s.Serviced, e)
			}
		}
	}
	return s
}

// hugetlbStats reads each page size's counters, v2's (hugetlb.2MB.current)
// or v1's (hugetlb.2MB.usage_in_bytes), wherever the cgroup has them (a
// hybrid host has hugetlb in its unified hierarchy).
func hugetlbStats(dirs []string) map[string]HugetlbStats {
	stats := map[string]HugetlbStats{}
	for _, dir := range dirs {
		for _, size := range pageSizes(dir, ".current") {
			p := "hugetlb." + size + "."
			stats[size] = HugetlbStats{Usage: number(readOr(dir, p+"current")), Failcnt: keyValues(readOr(dir, p+"events"))["max"]}
		}
		for _, size := range pageSizes(dir, ".usage_in_bytes") {
			p := "hugetlb." + size + "."
			stats[size] = HugetlbStats{Usage: number(readOr(dir, p+"usage_in_bytes")),
				Max: number(readOr(dir, p+"max_usage_in_bytes")), Failcnt: number(readOr(dir, p+"failcnt"))}
		}
	}
	return stats
}

// pageSizes are the page sizes of dir's hugetlb.SIZE<suffix> files (not
// the reservations' hugetlb.SIZE.rsvd ones).
func pageSizes(dir, suffix string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "hugetlb.*"+suffix))
	var sizes []string
	for _, f := range files {
		size := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "hugetlb."), suffix)
		if !strings.Contains(size, ".") {
			sizes = append(sizes, size)
		}
	}
	return sizes
}
