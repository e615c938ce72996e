package observe

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
)

// Stat is what stats shows of a running container, as docker stats.
type Stat struct {
	CPUPercent float64 // of one CPU, over the sample
	MemUsage   int64   // resident bytes of its processes
	MemLimit   int64   // -m, or the host's memory
	Pids       int
	NetRx      uint64 // bytes, over the container's interfaces but lo
	NetTx      uint64
	BlockRead  uint64 // bytes, as its cgroup accounts them
	BlockWrite uint64
}

// Stats samples the container's processes (those of its PID namespace)
// over interval: CPU time used, resident memory, how many. /proc is read
// rather than the cgroup, since on cgroup v1 a container without limits
// has none in the memory and cpuacct hierarchies. Its network counters are
// those of its namespace (none for --network host: they would be the
// host's, and docker shows none); its block I/O is its cgroup's.
func Stats(st *state.Container, interval time.Duration) (Stat, error) {
	before, err := cpuTicks(st)
	if err != nil {
		return Stat{}, err
	}
	time.Sleep(interval)
	after, err := cpuTicks(st)
	if err != nil {
		return Stat{}, err
	}
	pids, err := processesOf(st)
	if err != nil {
		return Stat{}, err
	}
	s := Stat{Pids: len(pids), MemLimit: st.Resources.Memory}
	s.CPUPercent = float64(after-before) / clockTicks / interval.Seconds() * 100
	s.MemUsage = int64(residentBytes(pids))
	if s.MemLimit == 0 {
		s.MemLimit = hostMemory()
	}
	if !st.HostNetwork {
		if s.NetRx, s.NetTx, err = netIO(st.Init.PID); err != nil {
			return Stat{}, fmt.Errorf("%s: network counters: %w", st.Name, err)
		}
	}
	if s.BlockRead, s.BlockWrite, err = cgroups.BlockIO(st.ID); err != nil {
		return Stat{}, fmt.Errorf("%s: block I/O: %w", st.Name, err)
	}
	return s, nil
}

// cpuTicks adds up the CPU time of the container's processes.
func cpuTicks(st *state.Container) (int64, error) {
	pids, err := processesOf(st)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, pid := range pids {
		if p, ok := processInfo(pid); ok {
			total += int64(p.CPUTicks)
		}
	}
	return total, nil
}

// hostMemory is MemTotal of /proc/meminfo, in bytes.
func hostMemory() int64 {
	f := lineFields("/proc/meminfo", "MemTotal:")
	if len(f) == 0 {
		return 0
	}
	kb, _ := strconv.ParseInt(f[0], 10, 64)
	return kb << 10
}

// lineFields are the fields after prefix of the first line of the file
// path that starts with it, or none.
func lineFields(path, prefix string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}
