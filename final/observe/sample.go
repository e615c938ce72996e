package observe

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
)

// Sample is a running container's counters at one moment, for docker's
// stats API: its client takes two and works out the rates, as docker's
// CLI does from the daemon's samples.
type Sample struct {
	Read time.Time

	CPUNanos, UserNanos, SysNanos uint64 // the container's CPU time
	SystemNanos                   uint64 // the host's, all CPUs, /proc/stat
	OnlineCPUs                    uint32

	Memory, MaxMemory, Failcnt, MemLimit uint64
	MemoryStats                          map[string]uint64 // memory.stat's, when the cgroup keeps them

	Pids, PidsLimit uint64

	Networks              map[string]NetDev // by interface, lo left out
	BlockRead, BlockWrite uint64
}

// NetDev is one interface's counters, /proc/net/dev's.
type NetDev struct {
	RxBytes, RxPackets, RxErrors, RxDropped uint64
	TxBytes, TxPackets, TxErrors, TxDropped uint64
}

// SampleOf reads the container's counters now. Memory and CPU are its
// cgroup's where it keeps them (cgroups.UsageOf: v1 or v2, as the host
// has it); else, as Stats, its processes' from /proc (on cgroup v1 a
// container without limits may have no memory or cpuacct cgroup).
func SampleOf(st *state.Container) (Sample, error) {
	pids, err := processesOf(st)
	if err != nil {
		return Sample{}, err
	}
	s := Sample{Read: time.Now(), OnlineCPUs: uint32(runtime.NumCPU()), Pids: uint64(len(pids))}
	s.SystemNanos = hostCPUNanos()
	u, err := cgroups.UsageOf(st.ID)
	if err != nil {
		return s, err
	}
	if u.HasCPU {
		s.CPUNanos, s.UserNanos, s.SysNanos = u.CPUNanos, u.UserNanos, u.SysNano
	} else {
		for _, pid := range pids {
			if p, ok := processInfo(pid); ok {
				s.CPUNanos += p.CPUTicks * (1e9 / clockTicks)
			}
		}
	}
	if u.HasMemory {
		s.Memory, s.MaxMemory, s.Failcnt, s.MemoryStats = u.Memory, u.MaxMemory, u.Failcnt, u.MemoryStats
	} else {
		s.Memory = residentBytes(pids)
	}
	s.MemLimit = uint64(st.Resources.Memory)
	if s.MemLimit == 0 {
		s.MemLimit = uint64(hostMemory())
	}
	if st.Resources.PidsLimit > 0 {
		s.PidsLimit = uint64(st.Resources.PidsLimit)
	}
	if !st.HostNetwork {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/dev", st.Init.PID))
		if err != nil {
			return s, fmt.Errorf("%s: network counters: %w", st.Name, err)
		}
		s.Networks = netDevs(string(b))
	}
	if s.BlockRead, s.BlockWrite, err = cgroups.BlockIO(st.ID); err != nil {
		return s, fmt.Errorf("%s: block I/O: %w", st.Name, err)
	}
	return s, nil
}

// residentBytes adds up the resident memory of the processes pids.
func residentBytes(pids []int) uint64 {
	var n uint64
	pageSize := uint64(os.Getpagesize())
	for _, pid := range pids {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid)); err == nil {
			if f := strings.Fields(string(b)); len(f) > 1 {
				pages, _ := strconv.ParseUint(f[1], 10, 64)
				n += pages * pageSize
			}
		}
	}
	return n
}

// hostCPUNanos is the host's CPU time, every state but guest's, as
// docker's daemon reads /proc/stat's "cpu" line.
func hostCPUNanos() uint64 {
	fields := lineFields("/proc/stat", "cpu ")
	if len(fields) < 7 {
		return 0
	}
	var ticks uint64
	for _, v := range fields[:7] { // user nice system idle iowait irq softirq
		n, _ := strconv.ParseUint(v, 10, 64)
		ticks += n
	}
	return ticks * (1e9 / clockTicks)
}

// netDevs reads /proc/net/dev by interface (see netDevBytes).
func netDevs(text string) map[string]NetDev {
	out := map[string]NetDev{}
	for _, line := range strings.Split(text, "\n") {
		name, counters, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		f := strings.Fields(counters)
		if !ok || name == "lo" || len(f) < 16 {
			continue
		}
		n := make([]uint64, 16)
		for i := range n {
			n[i], _ = strconv.ParseUint(f[i], 10, 64)
		}
		out[name] = NetDev{RxBytes: n[0], RxPackets: n[1], RxErrors: n[2], RxDropped: n[3],
			TxBytes: n[8], TxPackets: n[9], TxErrors: n[10], TxDropped: n[11]}
	}
	return out
}
