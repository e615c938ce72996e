package fs

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/mydocker/mydocker/ch6-network/cgroups/fscommon"
)

// joinTheRest makes the cgroup in each mounted hierarchy that no
// controller of ours uses (cpuacct, blkio, name=systemd, ...) and in the
// hybrid host's unified one, so that Apply moves the process out of all of
// its caller's cgroups. Nothing is limited there.
func (m *Manager) joinTheRest() error {
	rest := Hierarchies(m.mounts)
	if m.unified != "" {
		rest["unified"] = m.unified
	}
	used := map[string]bool{}
	for _, dir := range m.dirs {
		used[dir] = true
	}
	for _, name := range sortedKeys(rest) {
		dir := filepath.Join(rest[name], m.path)
		if used[dir] {
			continue
		}
		if err := fscommon.MkdirAll(dir); err != nil {
			if fscommon.ReadOnly(err) {
				continue // nothing to join here; no limit is lost
			}
			return err
		}
		m.dirs[name], used[dir] = dir, true
	}
	return nil
}

// Hierarchies names each mounted v1 hierarchy once, by one of its
// controllers (or its name=), with its mount point: mounts maps every
// controller, and several can share a hierarchy ("cpu,cpuacct"). The
// mount options that are no controller ("rw") name none.
func Hierarchies(mounts map[string]string) map[string]string {
	seen := map[string]bool{}
	list := map[string]string{}
	for _, name := range sortedKeys(mounts) {
		if notController[name] || strings.HasPrefix(name, "release_agent=") || seen[mounts[name]] {
			continue
		}
		seen[mounts[name]] = true
		list[name] = mounts[name]
	}
	return list
}

// notController are the super options of a v1 mount that name no
// controller.
var notController = map[string]bool{"": true, "rw": true, "ro": true, "none": true,
	"noprefix": true, "clone_children": true, "xattr": true, "cpuset_v2_mode": true}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
