package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1fs "github.com/mydocker/mydocker/final/cgroups/fs"
)

// CheckUnused refuses the cgroup at path (below each hierarchy's root)
// for a new container when processes are in it or below it, or when it
// is frozen, as runc does. An OCI bundle's cgroupsPath can name any
// cgroup: one in use is another container's (or a pod's process), whose
// limits the new one would overwrite and whose processes its delete
// would kill; a process that joins a frozen cgroup stops at once, and
// the container's init would never report. A cgroup that is not there
// yet is unused.
func CheckUnused(path string) error {
	all, err := hierarchyDirs(path)
	if err != nil {
		return err
	}
	freezer, err := controllerPaths(path, "freezer")
	if err != nil {
		return err
	}
	return checkUnused(path, all, freezer)
}

// checkUnused is CheckUnused on the cgroup's directories: all of them,
// and the one of its freezer (keyed as Freeze takes it).
func checkUnused(path string, all, freezer map[string]string) error {
	if dirs := existing(all); len(dirs) > 0 {
		pids, err := PidsIn(dirs)
		// A cgroup removed meanwhile is as unused as one never made.
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("list the processes of cgroup %s: %w", path, err)
		}
		if len(pids) > 0 {
			return fmt.Errorf("container's cgroup is not empty: %d process(es) found in %s", len(pids), path)
		}
	}
	if freezeAsked(freezer) {
		return fmt.Errorf("container's cgroup unexpectedly frozen: %s (thaw it, or remove it)", path)
	}
	return nil
}

// hierarchyDirs are the cgroup's directories in every hierarchy mounted:
// v2's one, or each v1 hierarchy and a hybrid host's unified one (v1's
// processes may be in some hierarchies only).
func hierarchyDirs(path string) (map[string]string, error) {
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
	dirs := map[string]string{}
	for name, mount := range v1fs.Hierarchies(mounts) {
		dirs[name] = filepath.Join(mount, path)
	}
	hybrid, err := v1fs.FindUnified()
	if err != nil {
		return nil, err
	}
	if hybrid != "" {
		dirs["unified"] = filepath.Join(hybrid, path)
	}
	return dirs, nil
}

// existing keeps the directories that are there.
func existing(dirs map[string]string) map[string]string {
	out := map[string]string{}
	for name, dir := range dirs {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			out[name] = dir
		}
	}
	return out
}

// freezeAsked reports whether the cgroup is frozen or asked to be: v2's
// cgroup.freeze (set even before the kernel is done), v1's freezer.state
// FROZEN or FREEZING (a parent's freeze shows there too).
func freezeAsked(paths map[string]string) bool {
	if dir, ok := paths[""]; ok {
		return readOr(dir, "cgroup.freeze") == "1"
	}
	if dir, ok := paths["freezer"]; ok {
		state := readOr(dir, "freezer.state")
		return state == "FROZEN" || state == "FREEZING"
	}
	return false
}
