package rootfs

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/sys/mountinfo"
)

// hierarchy is one line of /proc/self/cgroup: the hierarchy's controllers
// ("cpu,cpuacct", "name=systemd"; "" for the unified one) and the
// process's cgroup in it, as its cgroup namespace shows it.
type hierarchy struct {
	controllers string
	path        string
}

// cgroupHierarchies lists init's hierarchies from /proc/self/cgroup.
// (Read here, not by package cgroups: that one brings cilium/ebpf, which
// init does without.)
func cgroupHierarchies() ([]hierarchy, error) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var list []hierarchy
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) == 3 {
			list = append(list, hierarchy{controllers: parts[1], path: parts[2]})
		}
	}
	return list, sc.Err()
}

// ownCgroupSource is the host's directory of init's own cgroup in
// hierarchy h, to bind as the container's view of it, as runc does on
// cgroup v1 without a cgroup namespace (containerd's CRI there, a
// kubelet's pods): the container sees its own limits at
// /sys/fs/cgroup/memory/memory.limit_in_bytes, not the host's root cgroup
// and every other container's. "" where a fresh mount shows the same: in
// a cgroup namespace (or the root cgroup), whose path is "/"; and where no
// mount of the hierarchy holds the cgroup.
func ownCgroupSource(infos []*mountinfo.Info, h hierarchy) string {
	if h.path == "/" || h.path == "" {
		return ""
	}
	for _, info := range infos {
		if !mountsHierarchy(info, h.controllers) {
			continue
		}
		rel, err := filepath.Rel(info.Root, h.path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		return filepath.Join(info.Mountpoint, rel)
	}
	return ""
}

// mountsHierarchy reports whether the mount is of the hierarchy: cgroup2
// for the unified one; else a v1 mount whose super options name each of
// its controllers (a controller is in one hierarchy only).
func mountsHierarchy(info *mountinfo.Info, controllers string) bool {
	if controllers == "" {
		return info.FSType == "cgroup2"
	}
	if info.FSType != "cgroup" {
		return false
	}
	opts := strings.Split(info.VFSOptions, ",")
	for _, c := range strings.Split(controllers, ",") {
		found := false
		for _, o := range opts {
			found = found || o == c
		}
		if !found {
			return false
		}
	}
	return true
}
