package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

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
	m, err := newManager(monitorPath(id), true)
	if err != nil {
		return err
	}
	if err := m.Set(&resources.Resources{}); err != nil {
		return err
	}
	return m.Apply(os.Getpid())
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
