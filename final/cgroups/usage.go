package cgroups

import (
	"os"
	"path/filepath"
)

// Usage is what the cgroup mydocker/<id> has counted, for docker's stats
// API: its memory (v2's memory.current and memory.stat, v1's memory
// hierarchy's usage_in_bytes and memory.stat, which a hybrid host keeps in
// v1) and its CPU time (v2's cpu.stat, v1's cpuacct). Has* are false where
// the cgroup keeps no such count (no controller enabled for it).
type Usage struct {
	HasMemory   bool
	Memory      uint64 // bytes, page cache included, as docker's "usage"
	MaxMemory   uint64 // the peak: v1's max_usage_in_bytes, v2's memory.peak
	Failcnt     uint64
	MemoryStats map[string]uint64 // memory.stat's lines

	HasCPU             bool
	CPUNanos           uint64 // user + system
	UserNanos, SysNano uint64
}

// UsageOf reads the cgroup mydocker/<id>'s counters, with ReadStats (the
// reader of mydocker-runc's events --stats).
func UsageOf(id string) (Usage, error) {
	var u Usage
	if _, err := dirsOf(id); err != nil { // the ID names one container
		return u, err
	}
	paths, err := usagePaths(filepath.Join(Parent, id))
	if err != nil {
		return u, err
	}
	s := ReadStats(paths)
	u.HasMemory = anyFile(paths, "memory.current", "memory.usage_in_bytes")
	u.Memory, u.MaxMemory, u.Failcnt = s.Memory.Usage.Usage, s.Memory.Usage.Max, s.Memory.Usage.Failcnt
	u.MemoryStats = s.Memory.Raw
	u.HasCPU = anyFile(paths, "cpu.stat", "cpuacct.usage")
	u.CPUNanos, u.UserNanos, u.SysNano = s.CPU.Total, s.CPU.User, s.CPU.Kernel
	return u, nil
}

// usagePaths are the directories of the cgroup at path (below each root)
// that keep memory and CPU counts: v2's one, or v1's memory and cpuacct
// hierarchies (not a hybrid host's unified one, whose cpu.stat has v2's
// keys).
func usagePaths(path string) (map[string]string, error) {
	return controllerPaths(path, "memory", "cpuacct")
}

// anyFile reports whether one of the directories has one of the files.
func anyFile(paths map[string]string, files ...string) bool {
	for _, dir := range paths {
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				return true
			}
		}
	}
	return false
}
