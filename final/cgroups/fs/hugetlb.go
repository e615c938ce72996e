package fs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fs2"
	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setHugetlb writes the hugepage limits where this host has the hugetlb
// controller: its v1 hierarchy, or else a hybrid host's unified one (the
// controllers no v1 hierarchy took are there). Where neither has it,
// limits of 0 are dropped (the kubelet sends one for every page size of
// the host, whatever its cgroups) and one above 0 is refused.
func (m *Manager) setHugetlb(res *resources.Resources) error {
	if len(res.HugepageLimits) == 0 {
		return nil
	}
	if mount, ok := m.mounts["hugetlb"]; ok {
		dir := filepath.Join(mount, m.path)
		if err := fscommon.MkdirAll(dir); err != nil {
			return err
		}
		m.dirs["hugetlb"] = dir
		return setHugetlbV1(dir, res.HugepageLimits)
	}
	if m.unified != "" {
		ok, err := fs2.SetHugetlbIn(m.unified, m.path, res.HugepageLimits)
		switch {
		case ok && err == nil:
			m.dirs["unified"] = filepath.Join(m.unified, m.path)
			return nil
		case ok && res.HugetlbNeeded():
			return err
		case ok:
			// Limits of 0 only, and the controller cannot be handed down
			// to the cgroup (an ancestor holds processes: EBUSY): nothing
			// that runc would have enforced here is lost.
			return nil
		}
	}
	if res.HugetlbNeeded() {
		return fmt.Errorf("hugepage limits: this host has no hugetlb cgroup controller")
	}
	return nil
}

// setHugetlbV1 writes hugetlb.<size>.limit_in_bytes, and the reservation
// limit where the kernel has it (5.7 on), as runc does.
func setHugetlbV1(dir string, limits []resources.HugepageLimit) error {
	for _, l := range limits {
		value := strconv.FormatUint(l.Limit, 10)
		name := "hugetlb." + l.PageSize + ".limit_in_bytes"
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("hugepage limits: page size %q: no %s in %s (the host's page sizes are in /sys/kernel/mm/hugepages)", l.PageSize, name, dir)
		}
		if err := fscommon.WriteFile(dir, name, value); err != nil {
			return err
		}
		rsvd := "hugetlb." + l.PageSize + ".rsvd.limit_in_bytes"
		if _, err := os.Stat(filepath.Join(dir, rsvd)); err == nil {
			if err := fscommon.WriteFile(dir, rsvd, value); err != nil {
				return err
			}
		}
	}
	return nil
}
