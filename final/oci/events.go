package oci

import (
	"github.com/mydocker/mydocker/final/cgroups"
)

// Event is one line of runc events: "stats" with Stats as data, or
// "oom". Its JSON is runc's (types/events.go), which containerd's shim
// and podman decode.
type Event struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data *Stats `json:"data,omitempty"`
}

// Stats is runc's stats structure, with what a cgroup counts here.
type Stats struct {
	CPU      CPU                `json:"cpu"`
	CPUSet   CPUSet             `json:"cpuset"`
	Memory   Memory             `json:"memory"`
	Pids     Pids               `json:"pids"`
	Blkio    Blkio              `json:"blkio"`
	Hugetlb  map[string]Hugetlb `json:"hugetlb"`
	IntelRdt struct{}           `json:"intel_rdt"`
	// NetworkInterfaces is null, as runc's for a container whose
	// network it did not make.
	NetworkInterfaces []struct{} `json:"network_interfaces"`
}

type CPUUsage struct {
	Total  uint64   `json:"total,omitempty"`
	Percpu []uint64 `json:"percpu,omitempty"`
	Kernel uint64   `json:"kernel"`
	User   uint64   `json:"user"`
}

type Throttling struct {
	Periods          uint64 `json:"periods,omitempty"`
	ThrottledPeriods uint64 `json:"throttledPeriods,omitempty"`
	ThrottledTime    uint64 `json:"throttledTime,omitempty"`
}

type CPU struct {
	Usage      CPUUsage   `json:"usage,omitzero"`
	Throttling Throttling `json:"throttling,omitzero"`
}

// CPUSet has runc's fields; none is read here.
type CPUSet struct {
	CPUExclusive          uint64 `json:"cpu_exclusive"`
	MemHardwall           uint64 `json:"mem_hardwall"`
	MemExclusive          uint64 `json:"mem_exclusive"`
	MemoryMigrate         uint64 `json:"memory_migrate"`
	MemorySpreadPage      uint64 `json:"memory_spread_page"`
	MemorySpreadSlab      uint64 `json:"memory_spread_slab"`
	MemoryPressure        uint64 `json:"memory_pressure"`
	SchedLoadBalance      uint64 `json:"sched_load_balance"`
	SchedRelaxDomainLevel int64  `json:"sched_relax_domain_level"`
}

type MemoryEntry struct {
	Limit   uint64 `json:"limit"`
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

type Memory struct {
	Cache  uint64            `json:"cache,omitempty"`
	Usage  MemoryEntry       `json:"usage,omitzero"`
	Swap   MemoryEntry       `json:"swap,omitzero"`
	Kernel MemoryEntry       `json:"kernel,omitzero"`
	Raw    map[string]uint64 `json:"raw,omitempty"`
}

type Pids struct {
	Current uint64 `json:"current,omitempty"`
	Limit   uint64 `json:"limit,omitempty"`
}

type BlkioEntry struct {
	Major uint64 `json:"major,omitempty"`
	Minor uint64 `json:"minor,omitempty"`
	Op    string `json:"op,omitempty"`
	Value uint64 `json:"value,omitempty"`
}

type Blkio struct {
	IoServiceBytesRecursive []BlkioEntry `json:"ioServiceBytesRecursive,omitempty"`
	IoServicedRecursive     []BlkioEntry `json:"ioServicedRecursive,omitempty"`
}

type Hugetlb struct {
	Usage   uint64 `json:"usage,omitempty"`
	Max     uint64 `json:"max,omitempty"`
	Failcnt uint64 `json:"failcnt"`
}

// OOMKills counts the container's processes the OOM killer has killed.
func (c *Container) OOMKills() uint64 { return cgroups.OOMKillsIn(c.Cgroup) }

// Stats reads the container's cgroup counters.
func (c *Container) Stats() *Stats {
	cg := cgroups.ReadStats(c.Cgroup)
	s := &Stats{
		CPU: CPU{
			Usage:      CPUUsage{Total: cg.CPU.Total, Percpu: cg.CPU.PerCPU, Kernel: cg.CPU.Kernel, User: cg.CPU.User},
			Throttling: Throttling{Periods: cg.CPU.Periods, ThrottledPeriods: cg.CPU.ThrottledPeriods, ThrottledTime: cg.CPU.ThrottledTime},
		},
		Memory: Memory{Cache: cg.Memory.Cache, Usage: memoryEntry(cg.Memory.Usage), Swap: memoryEntry(cg.Memory.Swap),
			Kernel: memoryEntry(cg.Memory.Kernel), Raw: cg.Memory.Raw},
		Pids:    Pids{Current: cg.Pids.Current, Limit: cg.Pids.Limit},
		Blkio:   Blkio{IoServiceBytesRecursive: blkioEntries(cg.Blkio.ServiceBytes), IoServicedRecursive: blkioEntries(cg.Blkio.Serviced)},
		Hugetlb: map[string]Hugetlb{},
	}
	for size, h := range cg.Hugetlb {
		s.Hugetlb[size] = Hugetlb{Usage: h.Usage, Max: h.Max, Failcnt: h.Failcnt}
	}
	return s
}

func memoryEntry(m cgroups.MemoryUsage) MemoryEntry {
	return MemoryEntry{Limit: m.Limit, Usage: m.Usage, Max: m.Max, Failcnt: m.Failcnt}
}

func blkioEntries(list []cgroups.BlkioEntry) []BlkioEntry {
	out := make([]BlkioEntry, len(list))
	for i, e := range list {
		out[i] = BlkioEntry(e)
	}
	return out
}
