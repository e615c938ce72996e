package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// A container's monitor outlives the command that started it (run -d, a
// foreground run whose client goes, start), so it must not stay in that
// command's cgroup: systemd kills what is left in a unit's or a session's
// cgroup when it ends (a oneshot unit, systemd-run, a cron job, an SSH
// logout), and the container would lose the one process that records its
// exit code and restarts it. podman moves conmon into a transient systemd
// scope over D-Bus for this; we have no D-Bus client, and write the
// cgroup ourselves, beside the containers' own: mydocker/monitor-<id>, in
// every hierarchy (v1 and a hybrid host's unified one; v2's one). systemd
// leaves cgroups it did not make alone, as it does docker's with the
// cgroupfs driver.

// monitorPath is the cgroup of the monitor of the container id.
func monitorPath(id string) string { return Parent + "/monitor-" + id }

// JoinMonitor moves the calling process, the monitor of the container id,
// into its cgroup of its own, made in every hierarchy.
func JoinMonitor(id string) error {
	if _, err := dirsOf(id); err != nil {
		return err // not an ID: never a path of the caller's choosing
	}
	var err error
	// CollectMonitors of another command may remove the new cgroup, still
	// empty, before we are in it: then it is made again.
	for try := 0; try < 3; try++ {
		var m Manager
		if m, err = newManager(monitorPath(id), true); err != nil {
			return err
		}
		if err = m.Set(&resources.Resources{}); err == nil {
			err = m.Apply(os.Getpid())
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return err
}

// CollectMonitors removes the cgroups of monitors that are gone: a
// monitor killed (kill -9) leaves its cgroup, which no rm names when the
// container was never recorded, or was removed by another command. Only an
// empty cgroup goes (rmdir refuses one that holds a process), so a live
// monitor's, of any --root, stays; one that has made its cgroup and is
// about to join it makes it again (JoinMonitor). live tells a container
// whose monitor the caller has just seen alive: its cgroup is not tried
// (an rmdir that fails costs as much as one that succeeds, and takes the
// kernel's cgroup lock: with 1,000 containers, ten hierarchies made it
// 10,000 of them a command).
func CollectMonitors(live func(id string) bool) {
	dirs, err := dirsOf("monitor-collect") // any ID: its parents are wanted
	if err != nil {
		return
	}
	for _, dir := range dirs {
		parent := filepath.Dir(dir)
		entries, _ := os.ReadDir(parent)
		for _, e := range entries {
			id, ok := strings.CutPrefix(e.Name(), "monitor-")
			if ok && e.IsDir() && !live(id) {
				_ = unix.Rmdir(filepath.Join(parent, e.Name()))
			}
		}
		// The parent goes once empty, even with no monitor's removed
		// here: a run killed between its mkdir and its container's left
		// it with nothing in it, and nobody else would look. A run making
		// a cgroup in it just now makes it again (fscommon.MkdirAll).
		fscommon.RemoveParent(parent)
	}
}

// LeaveMonitor moves the calling monitor, done with its container, to the
// root cgroup of each hierarchy and removes its own cgroup: a cgroup is
// removed only once no process is in it, and nobody else knows when the
// monitor is gone. Best-effort: where the root cannot be joined (a cgroup
// namespace's), rm removes the cgroup later (RemoveMonitor).
func LeaveMonitor(id string) {
	dirs, err := monitorDirs(id)
	if err != nil {
		return
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	for _, dir := range dirs {
		root := filepath.Dir(filepath.Dir(dir)) // the hierarchy's root, above mydocker/
		if os.WriteFile(filepath.Join(root, "cgroup.procs"), pid, 0o644) == nil && unix.Rmdir(dir) == nil {
			fscommon.RemoveParent(filepath.Dir(dir))
		}
	}
}

// RemoveMonitor removes the cgroup of the container id's monitor, once
// the monitor has exited; one still in it keeps it.
func RemoveMonitor(id string) error {
	dirs, err := monitorDirs(id)
	if err != nil {
		return err
	}
	var errs []error
	for _, dir := range dirs {
		switch err := unix.Rmdir(dir); {
		case err == nil:
			fscommon.RemoveParent(filepath.Dir(dir))
		case !errors.Is(err, unix.ENOENT):
			errs = append(errs, fmt.Errorf("remove cgroup %s: %w", dir, err))
		}
	}
	return errors.Join(errs...)
}

// monitorDirs lists the directories of the monitor's cgroup: one on v2,
// one per hierarchy on v1.
func monitorDirs(id string) ([]string, error) {
	dirs, err := dirsOf(id)
	if err != nil {
		return nil, err
	}
	for i, dir := range dirs {
		dirs[i] = filepath.Join(filepath.Dir(dir), "monitor-"+id)
	}
	return dirs, nil
}
