package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/mydocker/mydocker/ch4-volumes/cgroups/fs"
	"github.com/mydocker/mydocker/ch4-volumes/cgroups/fscommon"
)

// The functions here find a container's cgroup from its ID alone, from
// any mydocker process: the one that ran the container may be long gone.

// dirsOf lists the directories that the cgroup mydocker/<id> has, or would
// have, in this machine's layout: one on v2, one per hierarchy on v1.
func dirsOf(id string) ([]string, error) {
	// An empty ID would name mydocker/ itself, which every container shares.
	if id == "" || id == "." || id == ".." || strings.Contains(id, "/") {
		return nil, fmt.Errorf("%q is not a container ID", id)
	}
	path := Parent + "/" + id
	unified, err := IsCgroup2UnifiedMode()
	if err != nil {
		return nil, err
	}
	if unified {
		return []string{filepath.Join(Root, path)}, nil
	}
	mounts, err := fs.FindMounts()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var dirs []string
	for _, mount := range mounts {
		dir := filepath.Join(mount, path)
		if !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

// Remove removes the cgroup mydocker/<id> from every hierarchy, and the
// parent where it is empty, once its processes are gone. A cgroup that
// does not exist is no error.
func Remove(id string) error {
	dirs, err := dirsOf(id)
	if err != nil {
		return fmt.Errorf("remove cgroup: %w", err)
	}
	var errs []error
	for _, dir := range dirs {
		if err := fscommon.RemoveDir(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		fscommon.RemoveParent(filepath.Dir(dir))
	}
	return errors.Join(errs...)
}

// Procs lists the processes in the cgroup mydocker/<id>, in any hierarchy.
func Procs(id string) ([]int, error) {
	dirs, err := dirsOf(id)
	if err != nil {
		return nil, fmt.Errorf("list cgroup: %w", err)
	}
	seen := map[int]bool{}
	var pids []int
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list cgroup: %w", err)
		}
		for _, field := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(field); err == nil && !seen[pid] {
				seen[pid] = true
				pids = append(pids, pid)
			}
		}
	}
	return pids, nil
}

// Contains reports whether the process pid is in the cgroup mydocker/<id>,
// from /proc/PID/cgroup ("0::/mydocker/<id>" on v2, one line per hierarchy
// on v1).
func Contains(pid int, id string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasSuffix(line, "/"+Parent+"/"+id) {
			return true
		}
	}
	return false
}
