package cgroups

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mydocker/mydocker/final/cgroups/fs"
)

// Usage is what the cgroup mydocker/<id> has counted, for docker's stats
// API: its memory (v2's memory.current and memory.stat, v1's memory
// hierarchy's usage_in_bytes and memory.stat, which a hybrid host keeps in
// v1) and its CPU time (v2's cpu.stat, v1's cpuacct). Has* are false where
// the cgroup keeps no such count (no controller enabled for it).
type Usage struct {
	HasMemory   bool
	Memory      uint64 // bytes, page cache included, as docker's "usage"
	MaxMemory   uint64 // v1's max_usage_in_bytes; 0 on v2
	Failcnt     uint64
	MemoryStats map[string]uint64 // memory.stat's lines

	HasCPU             bool
	CPUNanos           uint64 // user + system
	UserNanos, SysNano uint64
}

// UsageOf reads the cgroup mydocker/<id>'s counters.
func UsageOf(id string) (Usage, error) {
	var u Usage
	if _, err := dirsOf(id); err != nil { // the ID names one container
		return u, err
	}
	unified, err := IsCgroup2UnifiedMode()
	if err != nil {
		return u, err
	}
	if unified {
		dir := filepath.Join(Root, Parent, id)
		u.Memory, u.HasMemory = parseUint(readOr(dir, "memory.current"))
		u.MemoryStats = keyValues(readOr(dir, "memory.stat"))
		cpu := keyValues(readOr(dir, "cpu.stat"))
		if usec, ok := cpu["usage_usec"]; ok {
			u.HasCPU, u.CPUNanos = true, usec*1000
			u.UserNanos, u.SysNano = cpu["user_usec"]*1000, cpu["system_usec"]*1000
		}
		return u, nil
	}
	mounts, err := fs.FindMounts()
	if err != nil {
		return u, err
	}
	if mount, ok := mounts["memory"]; ok {
		dir := filepath.Join(mount, Parent, id)
		u.Memory, u.HasMemory = parseUint(readOr(dir, "memory.usage_in_bytes"))
		u.MaxMemory, _ = parseUint(readOr(dir, "memory.max_usage_in_bytes"))
		u.Failcnt, _ = parseUint(readOr(dir, "memory.failcnt"))
		u.MemoryStats = keyValues(readOr(dir, "memory.stat"))
	}
	if mount, ok := mounts["cpuacct"]; ok {
		dir := filepath.Join(mount, Parent, id)
		u.CPUNanos, u.HasCPU = parseUint(readOr(dir, "cpuacct.usage"))
		// cpuacct.stat is in USER_HZ ticks (100 a second).
		ticks := keyValues(readOr(dir, "cpuacct.stat"))
		u.UserNanos, u.SysNano = ticks["user"]*1e7, ticks["system"]*1e7
	}
	return u, nil
}

func parseUint(s string) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// keyValues reads a flat keyed file: "KEY VALUE" a line.
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
