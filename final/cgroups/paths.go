package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	v1fs "github.com/mydocker/mydocker/final/cgroups/fs"
	"github.com/mydocker/mydocker/final/cgroups/fscommon"
)

// These work on a cgroup's directories as Manager.Paths names them (v1:
// one per controller; v2: one, under ""), so that a process other than
// the one that made the cgroup (kill --all, pause) can use them.

// controllerPaths are the directories of the cgroup at path (below each
// root) in the hierarchies of controllers: v2's one directory, under "",
// or each v1 hierarchy of the named controllers that this host mounts,
// under its name (none: an empty map).
func controllerPaths(path string, controllers ...string) (map[string]string, error) {
	unified, err := IsCgroup2UnifiedMode()
	if err != nil {
		return nil, err
	}
	if unified {
		return map[string]string{"": filepath.Join(Root, path)}, nil
	}
	mounts, err := v1fs.FindMounts()
	if err != nil {
		return nil, err
	}
	paths := map[string]string{}
	for _, c := range controllers {
		if mount, ok := mounts[c]; ok {
			paths[c] = filepath.Join(mount, path)
		}
	}
	return paths, nil
}

// PidsIn lists the processes in the cgroup and in the cgroups below it
// (an OCI runtime's exec --cgroup, a container's own sub-cgroups): v1's
// may be in a sub-cgroup of one hierarchy only, so every hierarchy's
// tree is read, each pid listed once.
func PidsIn(paths map[string]string) ([]int, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no cgroup to list the processes of")
	}
	dirs := make([]string, 0, len(paths))
	for _, d := range paths {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	seen := map[int]bool{}
	var pids []int
	for i, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			data, err := os.ReadFile(filepath.Join(path, "cgroup.procs"))
			if err != nil {
				return err
			}
			for _, f := range strings.Fields(string(data)) {
				if pid, err := strconv.Atoi(f); err == nil && !seen[pid] {
					seen[pid] = true
					pids = append(pids, pid)
				}
			}
			return nil
		})
		// A hierarchy removed under us is no error but for the first.
		if err != nil && (i == 0 || !errors.Is(err, fs.ErrNotExist)) {
			return nil, err
		}
	}
	return pids, nil
}

// Freeze stops (or thaws) every process of the cgroup, waiting until the
// kernel says it is done: v1's freezer.state, v2's cgroup.freeze.
func Freeze(paths map[string]string, frozen bool) error {
	if dir, ok := paths[""]; ok {
		want := map[bool]string{true: "1", false: "0"}[frozen]
		if err := fscommon.WriteFile(dir, "cgroup.freeze", want); err != nil {
			return err
		}
		return waitFor(func() bool { return strings.Contains(readOr(dir, "cgroup.events"), "frozen "+want) })
	}
	dir, ok := paths["freezer"]
	if !ok {
		return fmt.Errorf("the cgroup has no freezer")
	}
	want := map[bool]string{true: "FROZEN", false: "THAWED"}[frozen]
	if err := fscommon.WriteFile(dir, "freezer.state", want); err != nil {
		return err
	}
	return waitFor(func() bool { return readOr(dir, "freezer.state") == want })
}

// Frozen reports whether the cgroup is frozen.
func Frozen(paths map[string]string) bool {
	if dir, ok := paths[""]; ok {
		return strings.Contains(readOr(dir, "cgroup.events"), "frozen 1")
	}
	if dir, ok := paths["freezer"]; ok {
		return readOr(dir, "freezer.state") == "FROZEN"
	}
	return false
}

func readOr(dir, file string) string {
	s, _ := fscommon.ReadFile(dir, file)
	return strings.TrimSpace(s)
}

func waitFor(done func() bool) error {
	for delay := time.Millisecond; delay < 2*time.Second; delay *= 2 {
		if done() {
			return nil
		}
		time.Sleep(delay)
	}
	if done() {
		return nil
	}
	return fmt.Errorf("the cgroup's freezer did not settle")
}
