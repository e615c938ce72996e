package cgroups

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch6-network/cgroups/fs"
	"github.com/mydocker/mydocker/ch6-network/cgroups/fs2"
	"github.com/mydocker/mydocker/ch6-network/cgroups/resources"
)

// Root is where the cgroup filesystems are mounted.
const Root = "/sys/fs/cgroup"

// Parent is the cgroup that holds every container's own cgroup.
const Parent = "mydocker"

// Manager is one container's cgroup, in whichever layout the host has.
type Manager interface {
	// Set creates the cgroup and writes the limits into it. It comes
	// before Apply, so that the process never runs unlimited.
	Set(res *resources.Resources) error
	// Apply moves the process pid, and so all its future children, into
	// the cgroup.
	Apply(pid int) error
	// Paths names the cgroup's directories, one for each controller it
	// uses (v1) or the single one (v2, under the key "").
	Paths() map[string]string
	// Destroy removes the cgroup, once its processes are gone.
	Destroy() error
}

// New returns the manager of the cgroup mydocker/<id> for the cgroup
// layout of this machine: on v1, in the hierarchies its limits need.
func New(id string) (Manager, error) { return newManager(id, false) }

// NewDetached is New for a detached container, which outlives the command
// that ran it: on v1 its cgroup is made in every hierarchy mounted (and a
// hybrid host's unified one), so that none of its caller's cgroups holds
// it. There systemd tracks the caller's unit or session, and kills what is
// left in it when that ends; docker's and podman's containers never stay
// in their client's cgroups either.
func NewDetached(id string) (Manager, error) { return newManager(id, true) }

func newManager(id string, joinAll bool) (Manager, error) {
	path := Parent + "/" + id
	unified, err := IsCgroup2UnifiedMode()
	if err != nil {
		return nil, err
	}
	if unified {
		return fs2.NewManager(Root, path), nil
	}
	mounts, err := fs.FindMounts()
	if err != nil {
		return nil, err
	}
	m := fs.NewManager(mounts, path)
	if joinAll {
		hybrid, err := fs.FindUnified()
		if err != nil {
			return nil, err
		}
		m.JoinAll(hybrid)
	}
	return m, nil
}

// IsCgroup2UnifiedMode reports whether /sys/fs/cgroup is itself a cgroup2
// filesystem, i.e. the machine has only cgroup v2. On a v1 or hybrid
// machine it is a tmpfs holding one mount per v1 hierarchy.
func IsCgroup2UnifiedMode() (bool, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(Root, &st); err != nil {
		return false, fmt.Errorf("statfs %s: %w", Root, err)
	}
	return st.Type == unix.CGROUP2_SUPER_MAGIC, nil
}
