package oci

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// cgroupPath is the container's cgroup, relative to each hierarchy's
// root: linux.cgroupsPath as given (absolute: from the root; relative:
// the same, as runc reads it), or mydocker-runc/<id>. A systemd slice
// ("slice:prefix:name", what a client sends with --systemd-cgroup) is
// refused: this runtime drives cgroupfs only.
func cgroupPath(s *specs.Spec, id string) (string, error) {
	p := s.Linux.CgroupsPath
	if p == "" {
		return "mydocker-runc/" + id, nil
	}
	if strings.Count(p, ":") == 2 && !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("config.json: linux.cgroupsPath %q is a systemd unit; this runtime drives cgroupfs only (use the cgroupfs cgroup manager)", p)
	}
	clean := strings.TrimPrefix(path.Clean("/"+p), "/")
	if clean == "" {
		return "", fmt.Errorf("config.json: linux.cgroupsPath %q is the root cgroup", p)
	}
	return clean, nil
}

// newCgroup makes the container's cgroup with the bundle's limits, before
// init joins it, but for the pids limit, returned to be written once init
// is ready (setPidsLimit). A cgroup another's processes are in, or a
// frozen one, is refused before anything is written to it
// (cgroups.CheckUnused).
func newCgroup(s *specs.Spec, id string) (cgroups.Manager, int64, error) {
	p, err := cgroupPath(s, id)
	if err != nil {
		return nil, 0, err
	}
	if err := cgroups.CheckUnused(p); err != nil {
		return nil, 0, err
	}
	res, err := resourcesOf(s.Linux.Resources)
	if err != nil {
		return nil, 0, err
	}
	res.Devices = withImpliedDevices(res.Devices)
	pids := res.PidsLimit
	res.PidsLimit = 0
	m, err := cgroups.NewAt(p)
	if err != nil {
		return nil, 0, err
	}
	if err := m.Set(&res); err != nil {
		_ = m.Destroy()
		return nil, 0, fmt.Errorf("set the cgroup's limits: %w", err)
	}
	return m, pids, nil
}

// setPidsLimit writes the pids limit once init is ready, as runc writes
// its limits: the kernel counts threads, and init is a Go program whose
// runtime starts threads as it runs, in the cgroup; a limit below their
// number (1, for 0) would abort it at its next one. Init makes no
// process of its own, and the program starts under the limit.
func setPidsLimit(cg cgroups.Manager, limit int64) error {
	if limit == 0 {
		return nil
	}
	if err := cg.Set(&resources.Resources{PidsLimit: limit}); err != nil {
		return fmt.Errorf("set the cgroup's pids limit: %w", err)
	}
	return nil
}

// resourcesOf is linux.resources in mydocker's terms. Check has refused
// what there is no place for (net_cls).
func resourcesOf(r *specs.LinuxResources) (resources.Resources, error) {
	var res resources.Resources
	if r == nil {
		return res, nil
	}
	if m := r.Memory; m != nil {
		res.Memory = max(deref(m.Limit), -1) // below 0: no limit
		res.MemoryReservation = deref(m.Reservation)
		res.MemorySwap = deref(m.Swap)
		res.Swappiness = m.Swappiness
		res.DisableOOMKiller = m.DisableOOMKiller != nil && *m.DisableOOMKiller
		res.CheckBeforeUpdate = m.CheckBeforeUpdate != nil && *m.CheckBeforeUpdate
		if m.Kernel != nil {
			// runc 1.1 on: Linux deprecated kernel memory limits (5.4)
			// and dropped them (5.16); runc warns and goes on.
			logrus.Warn("linux.resources.memory.kernel is ignored: kernel memory limits are gone from Linux")
		}
		res.KernelMemoryTCP = deref(m.KernelTCP)
	}
	if c := r.CPU; c != nil {
		if c.Shares != nil {
			res.CPUShares = *c.Shares
		}
		res.CPUQuota = deref(c.Quota)
		if c.Period != nil {
			res.CPUPeriod = *c.Period
		}
		res.CPURealtimeRuntime = deref(c.RealtimeRuntime)
		if c.RealtimePeriod != nil {
			res.CPURealtimePeriod = *c.RealtimePeriod
		}
		res.CPUSet, res.CPUMems = c.Cpus, c.Mems
		res.CPUIdle = c.Idle
	}
	limits, err := hugepageLimits(r.HugepageLimits)
	if err != nil {
		return res, err
	}
	res.HugepageLimits = limits
	if len(r.Unified) > 0 {
		res.Unified = r.Unified
	}
	if r.Pids != nil && r.Pids.Limit != nil {
		res.PidsLimit = pidsLimit(*r.Pids.Limit)
	}
	if res.BlockIO, err = blockIOOf(r.BlockIO); err != nil {
		return res, err
	}
	for dev, l := range r.Rdma {
		if res.Rdma == nil {
			res.Rdma = map[string]resources.RdmaLimit{}
		}
		res.Rdma[dev] = resources.RdmaLimit{HcaHandles: l.HcaHandles, HcaObjects: l.HcaObjects}
	}
	rules, err := deviceRules(r.Devices)
	if err != nil {
		return res, err
	}
	res.Devices = rules
	return res, nil
}

// pidsLimit is linux.resources.pids.limit as pids.max takes it. The
// spec made the limit a pointer (1.2.1, nil: none), so that 0 is a limit:
// it is written as 1, as runc does (systemd cannot set 0, and runc's two
// cgroup drivers agree); once the container's init is in the cgroup, both
// mean that it forks no more. Below 0 is no limit ("max"), which lifts
// one set before (an update).
func pidsLimit(limit int64) int64 {
	if limit == 0 {
		return 1
	}
	return max(limit, -1)
}

// pageSize is a hugetlb page size as the kernel's file names spell it:
// "2MB", "1GB", "64KB".
var pageSize = regexp.MustCompile(`^[1-9][0-9]*[KMGTP]?B$`)

// hugepageLimits checks linux.resources.hugepageLimits: a page size names
// a cgroup file, so it may only be one.
func hugepageLimits(list []specs.LinuxHugepageLimit) ([]resources.HugepageLimit, error) {
	var limits []resources.HugepageLimit
	for i, l := range list {
		if !pageSize.MatchString(l.Pagesize) {
			return nil, fmt.Errorf("config.json: linux.resources.hugepageLimits[%d]: page size %q is not a size such as 2MB or 1GB", i, l.Pagesize)
		}
		limits = append(limits, resources.HugepageLimit{PageSize: l.Pagesize, Limit: l.Limit})
	}
	return limits, nil
}

// withImpliedDevices adds to an allow list what every container may use,
// as runc does: mknod of any node and the default devices (null, zero,
// full, random, urandom, tty, console, ptmx, the pseudo terminals and
// tun). The nodes of linux.devices are made, but not allowed:
// linux.resources.devices says what they may be used for (runc's
// dev.bats denies /dev/kmsg so), as the clients write it (docker,
// podman and containerd's CRI add an allow rule for each device).
func withImpliedDevices(rules []resources.DeviceRule) []resources.DeviceRule {
	if rules == nil {
		return nil // everything is allowed
	}
	return append(rules, resources.DefaultDeviceRules()...)
}

// deviceRules turns linux.resources.devices into an allow list. The
// spec's list is applied in order, and what clients write is a deny of
// everything followed by what is allowed; that is what both cgroup
// versions can hold here. A list that does not start by denying all
// leaves every device allowed, as it says, until its first deny.
func deviceRules(list []specs.LinuxDeviceCgroup) ([]resources.DeviceRule, error) {
	if len(list) == 0 {
		return nil, nil
	}
	var rules []resources.DeviceRule
	denied := false
	for i, d := range list {
		rule := resources.DeviceRule{Type: 'a', Major: -1, Minor: -1, Access: d.Access}
		if d.Type != "" {
			rule.Type = d.Type[0]
		}
		if d.Major != nil {
			rule.Major = *d.Major
		}
		if d.Minor != nil {
			rule.Minor = *d.Minor
		}
		if rule.Access == "" {
			rule.Access = "rwm"
		}
		all := rule.Type == 'a' && rule.Major < 0 && rule.Minor < 0
		switch {
		case !d.Allow && all && strings.Trim(rule.Access, "rwm") == "" && len(rule.Access) == 3:
			rules, denied = []resources.DeviceRule{}, true
		case !d.Allow && !denied && i > 0:
			return nil, fmt.Errorf("config.json: linux.resources.devices[%d]: a deny after allows is not supported; deny everything first, then allow", i)
		case !d.Allow && !denied:
			return nil, fmt.Errorf("config.json: linux.resources.devices[%d]: only denying every device (type a, rwm) is supported", i)
		case d.Allow && denied:
			if strings.Trim(rule.Access, "rwm") != "" {
				return nil, fmt.Errorf("config.json: linux.resources.devices[%d]: access %q", i, d.Access)
			}
			rules = append(rules, rule)
		}
	}
	if !denied {
		return nil, nil
	}
	return rules, nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
