// Package fs drives cgroup v1: one hierarchy per controller, so one
// directory per controller for each container.
package fs

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// subsystem is one v1 controller.
type subsystem interface {
	// Name is the controller's name, as in the mount options.
	Name() string
	// Configured reports whether res sets a limit of this controller.
	// Only those controllers are joined: joining an unconfigured cpuset
	// would even fail: a new v1 cpuset cgroup has empty cpuset.cpus and
	// cpuset.mems, and a process cannot join it (ENOSPC).
	Configured(res *resources.Resources) bool
	// Set writes the limits into the cgroup at mount/path.
	Set(mount, path string, res *resources.Resources) error
}

var subsystems = []subsystem{&memory{}, &cpu{}, &cpuset{}, &pids{}, &devices{}, &freezer{}, &blkio{}, &rdma{}}

// Manager is a container's cgroup on v1.
type Manager struct {
	mounts  map[string]string // controller -> mount point
	path    string            // the cgroup, relative to each mount point
	dirs    map[string]string // controller -> the cgroup's directory, once made
	all     bool              // join every hierarchy, not just the configured ones
	unified string            // a hybrid host's cgroup2 mount, joined with all
}

// NewManager returns the manager of the cgroup path (such as
// "mydocker/<id>") in the hierarchies mounted at mounts.
func NewManager(mounts map[string]string, path string) *Manager {
	return &Manager{mounts: mounts, path: path, dirs: map[string]string{}}
}

// JoinAll makes the cgroup in every hierarchy mounted, configured or not,
// and in unified, a hybrid host's cgroup2 mount ("" for none), as an OCI
// runtime does: its processes can then be listed, frozen (freezer) and
// accounted in each, and none is left in one of its caller's cgroups
// (systemd's name=systemd and unified ones track a unit or a session
// there), which dies when that cgroup is killed.
func (m *Manager) JoinAll(unified string) *Manager {
	m.all, m.unified = true, unified
	return m
}

// Set creates the cgroup in the hierarchy of each configured controller
// and writes its limits.
func (m *Manager) Set(res *resources.Resources) error {
	for _, s := range subsystems {
		mount, ok := m.mounts[s.Name()]
		if !s.Configured(res) {
			if !m.all || !ok {
				continue
			}
			// Joined only: a cpuset needs its parent's CPUs and nodes.
			// Where cgroups cannot be written (a container's read-only
			// /sys/fs/cgroup) there is nothing to join, and no limit lost.
			if err := fscommon.MkdirAll(filepath.Join(mount, m.path)); err != nil {
				if fscommon.ReadOnly(err) {
					continue
				}
				return err
			}
			m.dirs[s.Name()] = filepath.Join(mount, m.path)
			if s.Name() == "cpuset" {
				if err := s.Set(mount, m.path, res); err != nil {
					return fmt.Errorf("set cpuset: %w", err)
				}
			}
			continue
		}
		if !ok && s.Name() == "devices" {
			continue // a kernel without the device controller: nothing to enforce with
		}
		if !ok {
			return fmt.Errorf("this host has no %s cgroup controller (no v1 hierarchy mounts it)", s.Name())
		}
		dir := filepath.Join(mount, m.path)
		if err := fscommon.MkdirAll(dir); err != nil {
			// Device rules where cgroups cannot be written (inside another
			// container): the device policy is that runtime's.
			if s.Name() == "devices" && !res.HasLimits() && fscommon.ReadOnly(err) {
				continue
			}
			return err
		}
		m.dirs[s.Name()] = dir
		if err := s.Set(mount, m.path, res); err != nil {
			return fmt.Errorf("set %s limits: %w", s.Name(), err)
		}
	}
	if err := m.setHugetlb(res); err != nil {
		return fmt.Errorf("set hugetlb limits: %w", err)
	}
	if len(res.Unified) > 0 {
		// runc's refusal, word for word: the keys are cgroup v2 files.
		return errors.New("invalid configuration: cannot use unified on cgroup v1")
	}
	if m.all {
		return m.joinTheRest()
	}
	return nil
}

// Apply moves pid into the cgroup of every configured controller. It
// writes cgroup.procs, which moves the whole process; the book's "tasks"
// would move only the one thread.
func (m *Manager) Apply(pid int) error {
	for _, dir := range m.dirs {
		if err := fscommon.WriteFile(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("join cgroup: %w", err)
		}
	}
	return nil
}

// Paths returns the cgroup's directory for each controller it uses.
func (m *Manager) Paths() map[string]string { return m.dirs }

// Destroy removes the cgroup from every hierarchy, then the shared parent
// where no other container uses it.
func (m *Manager) Destroy() error {
	var errs []error
	for name, dir := range m.dirs {
		if err := fscommon.RemoveDir(dir); err != nil {
			errs = append(errs, err)
			continue
		}
		delete(m.dirs, name)
		fscommon.RemoveParent(filepath.Dir(dir))
	}
	return errors.Join(errs...)
}
