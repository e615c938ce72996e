// Package fs2 drives cgroup v2: one unified hierarchy, so one directory
// for each container, in which every controller applies.
package fs2

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// Manager is a container's cgroup on v2.
type Manager struct {
	root string // the cgroup2 mount point
	path string // the cgroup, relative to root
	made bool   // whether Set created the directory
	born bool   // whether the process is started in it (CloneInto)
}

// NewManager returns the manager of the cgroup path (such as
// "mydocker/<id>") in the cgroup2 hierarchy mounted at root.
func NewManager(root, path string) *Manager {
	return &Manager{root: root, path: path}
}

func (m *Manager) dir() string { return filepath.Join(m.root, m.path) }

// Set creates the cgroup, with the controllers it needs enabled in every
// ancestor, and writes its limits.
func (m *Manager) Set(res *resources.Resources) error {
	names, hugetlb, err := m.controllersFor(res)
	if err != nil {
		return err
	}
	for try := 1; ; try++ {
		if err := m.enableAll(names); err != nil {
			return err
		}
		if err := fscommon.MkdirAll(m.dir()); err != nil {
			// Without limits the cgroup only groups the container's processes:
			// where cgroups cannot be written (a read-only /sys/fs/cgroup in a
			// container), the container runs without one, and the device
			// policy is the one of the runtime we are in.
			if !res.HasLimits() && fscommon.ReadOnly(err) {
				return nil
			}
			return err
		}
		// Another mydocker removes the shared parent once it is empty
		// (its own container gone): between our enabling and our mkdir,
		// MkdirAll made it again, and a new parent passes no controller
		// down. Then the same again, in order.
		if try == 3 || m.hasControllers(names) {
			break
		}
		_ = unix.Rmdir(m.dir())
	}
	m.made = true
	for _, set := range []func(string, *resources.Resources) error{setMemory, setCPU, setCPUSet, setPids, setDevices, setIO, setRdma} {
		if err := set(m.dir(), res); err != nil {
			return err
		}
	}
	if hugetlb {
		if err := SetHugetlb(m.dir(), res.HugepageLimits); err != nil {
			return err
		}
	}
	return setUnified(m.dir(), res.Unified)
}

// controllersFor lists the controllers res needs, checked against those
// the hierarchy has where a bundle may name any (unified) or ask for one
// that may be missing (hugetlb); hugetlb says whether its limits are
// written.
func (m *Manager) controllersFor(res *resources.Resources) (names []string, hugetlb bool, err error) {
	names = controllersFor(res)
	if len(res.HugepageLimits) == 0 && len(res.Unified) == 0 && res.BlockIO == nil && len(res.Rdma) == 0 {
		return names, false, nil
	}
	available, err := fscommon.ReadFile(m.root, "cgroup.controllers")
	if err != nil {
		return nil, false, err
	}
	if err := checkAvailable(strings.Fields(available), res); err != nil {
		return nil, false, err
	}
	if hugetlb, err = wantsHugetlb(available, res); err != nil {
		return nil, false, err
	}
	if hugetlb {
		names = append(names, "hugetlb")
	}
	more, err := unifiedControllers(available, res.Unified)
	if err != nil {
		return nil, false, err
	}
	for _, c := range more {
		if !contains(names, c) {
			names = append(names, c)
		}
	}
	return names, hugetlb, nil
}

// Apply moves pid into the cgroup, if Set made one.
// CloneInto opens the cgroup, made by Set, for clone3's CLONE_INTO_CGROUP
// (SysProcAttr.UseCgroupFD): the process is born in it, and Apply has
// nothing left to do. Moving a process into a cgroup takes the kernel's
// cgroup_threadgroup_rwsem, whose write side waits for an RCU grace
// period (some 10 ms); a process born in the cgroup never moves. nil when
// there is no cgroup (Set found the filesystem read-only).
func (m *Manager) CloneInto() (*os.File, error) {
	if !m.made {
		return nil, nil
	}
	f, err := os.OpenFile(m.dir(), os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open cgroup %s: %w", m.dir(), err)
	}
	m.born = true
	return f, nil
}

func (m *Manager) Apply(pid int) error {
	if !m.made || m.born {
		return nil
	}
	if err := fscommon.WriteFile(m.dir(), "cgroup.procs", strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("join cgroup: %w", err)
	}
	return nil
}

// Paths returns the cgroup's one directory.
func (m *Manager) Paths() map[string]string {
	if !m.made {
		return map[string]string{}
	}
	return map[string]string{"": m.dir()}
}

// Destroy removes the cgroup, then the shared parent where no other
// container uses it.
func (m *Manager) Destroy() error {
	if !m.made {
		return nil
	}
	if err := fscommon.RemoveDir(m.dir()); err != nil {
		return err
	}
	m.made = false
	fscommon.RemoveParent(filepath.Dir(m.dir()))
	return nil
}

// controllersFor lists the controllers that res needs.
func controllersFor(res *resources.Resources) []string {
	var names []string
	if res.HasMemory() {
		names = append(names, "memory")
	}
	if res.HasCPU() {
		names = append(names, "cpu")
	}
	if res.PidsLimit != 0 {
		names = append(names, "pids")
	}
	if res.CPUSet != "" || res.CPUMems != "" {
		names = append(names, "cpuset")
	}
	if res.BlockIO != nil {
		names = append(names, "io")
	}
	if len(res.Rdma) > 0 {
		names = append(names, "rdma")
	}
	return names
}

// hasControllers reports whether the cgroup has the files of every
// controller in names. One whose cgroup.controllers cannot be read is
// taken as it is: the writes of its limits that follow say what is wrong.
func (m *Manager) hasControllers(names []string) bool {
	have, err := fscommon.ReadFile(m.dir(), "cgroup.controllers")
	if err != nil {
		return true
	}
	for _, name := range names {
		if !contains(strings.Fields(have), name) {
			return false
		}
	}
	return true
}

// enableControllers enables the controllers for the container's cgroup:
// in v2 a cgroup has a controller's files only when its parent lists the
// controller in cgroup.subtree_control, and a parent may list only what
// its own parent gave it. So every ancestor, from the root down, gets
// "+name" (cgroups(7), "Enabling and disabling controllers").
func (m *Manager) enableControllers(names []string) error {
	if len(names) == 0 {
		return nil
	}
	available, err := fscommon.ReadFile(m.root, "cgroup.controllers")
	if err != nil {
		return err
	}
	for _, name := range names {
		if !contains(strings.Fields(available), name) {
			return fmt.Errorf("cgroup v2 controller %s is not available (have: %s)", name, available)
		}
	}
	dir := m.root
	for _, part := range strings.Split(filepath.Dir(m.path), "/") {
		if err := enable(dir, names); err != nil {
			return err
		}
		dir = filepath.Join(dir, part)
		if err := fscommon.MkdirAll(dir); err != nil {
			return err
		}
	}
	return enable(dir, names)
}

// enableAll enables, in every ancestor, the controllers of the limits
// (names) and every other the host offers, as runc and crun do: without
// a limit they only count (memory.current and io.stat for docker stats,
// pids.current), and a container may hand them down to cgroups of its
// own (systemd in a container, "runc exec --cgroup"), which it can only
// do with what its parent gave it. The others are best effort: where
// they cannot all be enabled (the root of a cgroup namespace that holds
// processes takes none), those of the limits are, alone, or their error
// says what is wrong.
func (m *Manager) enableAll(names []string) error {
	available, err := fscommon.ReadFile(m.root, "cgroup.controllers")
	if err == nil {
		all := strings.Fields(available)
		for _, name := range names {
			if !contains(all, name) {
				all = append(all, name)
			}
		}
		if m.enableControllers(all) == nil {
			return nil
		}
	}
	return m.enableControllers(names)
}

// enable writes "+name" for each controller that dir does not yet pass
// down to its children.
func enable(dir string, names []string) error {
	current, err := fscommon.ReadFile(dir, "cgroup.subtree_control")
	if err != nil {
		return err
	}
	var add []string
	for _, name := range names {
		if !contains(strings.Fields(current), name) {
			add = append(add, "+"+name)
		}
	}
	if len(add) == 0 {
		return nil
	}
	if err := fscommon.WriteFile(dir, "cgroup.subtree_control", strings.Join(add, " ")); err != nil {
		return subtreeError(dir, err)
	}
	return nil
}

// subtreeError explains the EBUSY of a subtree_control write: cgroup v2 lets
// a cgroup hand controllers down only while no process is in it itself (the
// "no internal processes" rule, cgroups(7)). The root of a cgroup namespace,
// such as a CI container's /sys/fs/cgroup, usually holds its processes.
func subtreeError(dir string, err error) error {
	if !errors.Is(err, unix.EBUSY) {
		return err
	}
	return fmt.Errorf("%w: cgroup v2 hands controllers down only from a cgroup with no process of its own, and %s has some (as the root of a container's cgroup namespace does); move them into a child cgroup first, or run without -m, -cpushare and -cpuset", err, dir)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// exists reports whether the cgroup file dir/name exists.
func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}
