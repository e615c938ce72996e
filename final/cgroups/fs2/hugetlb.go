package fs2

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// wantsHugetlb reports whether the hugetlb controller must be enabled for
// res, given the controllers the hierarchy has (its root's
// cgroup.controllers). Without the controller, limits of 0 are dropped, as
// runc's users expect (the kubelet sends one for every page size of the
// host), and a limit above 0 is refused: it could not be enforced.
func wantsHugetlb(available string, res *resources.Resources) (bool, error) {
	if len(res.HugepageLimits) == 0 {
		return false, nil
	}
	if contains(strings.Fields(available), "hugetlb") {
		return true, nil
	}
	if res.HugetlbNeeded() {
		return false, fmt.Errorf("hugepage limits: this host has no hugetlb cgroup controller (have: %s)", available)
	}
	return false, nil
}

// SetHugetlb writes each limit to hugetlb.<size>.max, and to
// hugetlb.<size>.rsvd.max where the kernel has it (5.7 on: reservations
// counted too, as runc writes them), in the cgroup dir.
func SetHugetlb(dir string, limits []resources.HugepageLimit) error {
	for _, l := range limits {
		value := strconv.FormatUint(l.Limit, 10)
		name := "hugetlb." + l.PageSize + ".max"
		if !exists(dir, name) {
			return fmt.Errorf("hugepage limits: page size %q: no %s in %s (the host's page sizes are in /sys/kernel/mm/hugepages)", l.PageSize, name, dir)
		}
		if err := fscommon.WriteFile(dir, name, value); err != nil {
			return err
		}
		if rsvd := "hugetlb." + l.PageSize + ".rsvd.max"; exists(dir, rsvd) {
			if err := fscommon.WriteFile(dir, rsvd, value); err != nil {
				return err
			}
		}
	}
	return nil
}

// SetHugetlbIn enables hugetlb for the cgroup path of the cgroup2
// hierarchy at root and writes the limits there: a hybrid host's unified
// hierarchy holds the controllers no v1 hierarchy took, hugetlb often
// among them. ok is false when that hierarchy has no hugetlb either.
func SetHugetlbIn(root, path string, limits []resources.HugepageLimit) (ok bool, err error) {
	available, err := fscommon.ReadFile(root, "cgroup.controllers")
	if err != nil || !contains(strings.Fields(available), "hugetlb") {
		return false, nil
	}
	m := NewManager(root, path)
	if err := m.enableControllers([]string{"hugetlb"}); err != nil {
		return true, err
	}
	if err := fscommon.MkdirAll(m.dir()); err != nil {
		return true, err
	}
	return true, SetHugetlb(m.dir(), limits)
}
