package cgroups

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mydocker/mydocker/final/cgroups/fs"
)

// OOMKilled reports whether the kernel's OOM killer killed a process of
// the container id's cgroup (docker's State.OOMKilled). It must be read
// before the cgroup goes, since the count lives in it: v2's memory.events
// "oom_kill N", v1's memory.oom_control "oom_kill N" (kernels from 4.13).
// A cgroup without the memory controller has no limit to be killed at.
func OOMKilled(id string) bool {
	if id == "" || filepath.Base(id) != id || id == "." || id == ".." {
		return false
	}
	path := filepath.Join(Parent, id)
	unified, err := IsCgroup2UnifiedMode()
	if err != nil {
		return false
	}
	if unified {
		return oomKills(readOr(filepath.Join(Root, path), "memory.events")) > 0
	}
	mounts, err := fs.FindMounts()
	if err != nil {
		return false
	}
	mount, ok := mounts["memory"]
	if !ok {
		return false
	}
	return oomKills(readOr(filepath.Join(mount, path), "memory.oom_control")) > 0
}

// oomKills reads the "oom_kill N" line of memory.events or
// memory.oom_control: 0 when there is none.
func oomKills(text string) int {
	for _, line := range strings.Split(text, "\n") {
		if n, ok := strings.CutPrefix(line, "oom_kill "); ok {
			count, _ := strconv.Atoi(strings.TrimSpace(n))
			return count
		}
	}
	return 0
}

// OOMKillsIn counts the OOM kills of the cgroup whose directories are
// paths (Manager.Paths): v2's memory.events, v1's memory.oom_control.
func OOMKillsIn(paths map[string]string) uint64 {
	if dir, ok := paths[""]; ok {
		return uint64(oomKills(readOr(dir, "memory.events")))
	}
	if dir, ok := paths["memory"]; ok {
		return uint64(oomKills(readOr(dir, "memory.oom_control")))
	}
	return 0
}
