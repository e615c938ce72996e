package oci

import (
	"errors"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/cgroups"
)

// Update changes the limits of a container that is not stopped, as runc
// update does (containerd's UpdateContainerResources, podman update): r
// is merged into the container's linux.resources, where a value left out
// or zero keeps the one there, the whole is written into its cgroup by
// the writers create used, and the record keeps it, so that a later
// update, events --stats and the state see it. The device rules are not
// written again: runc's update cannot change them, and v1 would deny
// every device for a moment.
func (c *Container) Update(r *specs.LinuxResources) error {
	if st := c.Status(); st == specs.StateStopped {
		return fmt.Errorf("cannot update container %s: it is stopped", c.ID)
	}
	if r.CPU != nil && r.CPU.Burst != nil && *r.CPU.Burst != 0 {
		return errors.New("cpu burst is not supported")
	}
	merged := mergeResources(c.Spec.Linux.Resources, r)
	res, err := resourcesOf(merged)
	if err != nil {
		return err
	}
	res.Devices = nil
	path, err := cgroupPath(c.Spec, c.ID)
	if err != nil {
		return err
	}
	m, err := cgroups.NewAt(path)
	if err != nil {
		return err
	}
	if err := m.Set(&res); err != nil {
		return fmt.Errorf("update the cgroup's limits: %w", err)
	}
	c.Spec.Linux.Resources = merged
	return c.save()
}

func weightOf(r *specs.LinuxResources) uint16 {
	if r.BlockIO == nil || r.BlockIO.Weight == nil {
		return 0
	}
	return *r.BlockIO.Weight
}

// mergeResources is old with what r sets over it. As runc's writers, a
// zero means "unchanged" (-1 lifts a memory, swap, quota or pids limit),
// but for the pids limit, where 0 is one; an empty CPU list keeps too. Devices, network, rdma and blockIO but its
// weight stay as they were.
func mergeResources(old, r *specs.LinuxResources) *specs.LinuxResources {
	var out specs.LinuxResources
	if old != nil {
		out = *old
	}
	out.Memory = mergeMemory(out.Memory, r.Memory)
	out.CPU = mergeCPU(out.CPU, r.CPU)
	if r.Pids != nil && r.Pids.Limit != nil {
		// A limit given replaces the old one, 0 too (pidsLimit).
		out.Pids = &specs.LinuxPids{Limit: ptr(*r.Pids.Limit)}
	}
	if w := weightOf(r); w != 0 {
		// The weight over the rest of linux.resources.blockIO, which
		// is written again as it was.
		var b specs.LinuxBlockIO
		if out.BlockIO != nil {
			b = *out.BlockIO
		}
		b.Weight = &w
		out.BlockIO = &b
	}
	out.HugepageLimits = mergeHugepages(out.HugepageLimits, r.HugepageLimits)
	if len(r.Unified) > 0 {
		unified := map[string]string{}
		for k, v := range out.Unified {
			unified[k] = v
		}
		for k, v := range r.Unified {
			unified[k] = v
		}
		out.Unified = unified
	}
	return &out
}

func mergeMemory(old, r *specs.LinuxMemory) *specs.LinuxMemory {
	if r == nil {
		return old
	}
	var out specs.LinuxMemory
	if old != nil {
		out = *old
	}
	setInt(&out.Limit, r.Limit)
	setInt(&out.Reservation, r.Reservation)
	setInt(&out.Swap, r.Swap)
	if r.Limit != nil && *r.Limit == -1 && r.Swap == nil {
		// No memory limit is no swap limit either, as runc has it: v1's
		// memory limit may never pass memsw, which would otherwise
		// keep an old value.
		out.Swap = ptr[int64](-1)
	}
	if r.Swappiness != nil {
		out.Swappiness = r.Swappiness
	}
	if r.DisableOOMKiller != nil {
		out.DisableOOMKiller = r.DisableOOMKiller
	}
	// The check is of this update's limits, not kept for the next.
	out.CheckBeforeUpdate = r.CheckBeforeUpdate
	return &out
}

func mergeCPU(old, r *specs.LinuxCPU) *specs.LinuxCPU {
	if r == nil {
		return old
	}
	var out specs.LinuxCPU
	if old != nil {
		out = *old
	}
	setUint(&out.Shares, r.Shares)
	if r.Idle != nil && r.Shares == nil {
		// The kernel refuses a weight for an idle cgroup (EINVAL from
		// cpu.shares, cpu.weight): an update of cpu.idle alone does not
		// write the old shares again, and the record drops them, as
		// runc's does.
		out.Shares = nil
	}
	setInt(&out.Quota, r.Quota)
	setUint(&out.Period, r.Period)
	setInt(&out.RealtimeRuntime, r.RealtimeRuntime)
	setUint(&out.RealtimePeriod, r.RealtimePeriod)
	if r.Cpus != "" {
		out.Cpus = r.Cpus
	}
	if r.Mems != "" {
		out.Mems = r.Mems
	}
	if r.Idle != nil {
		out.Idle = r.Idle
	}
	return &out
}

// mergeHugepages replaces the limit of each page size r names.
func mergeHugepages(old, r []specs.LinuxHugepageLimit) []specs.LinuxHugepageLimit {
	out := append([]specs.LinuxHugepageLimit(nil), old...)
	for _, l := range r {
		found := false
		for i := range out {
			if out[i].Pagesize == l.Pagesize {
				out[i].Limit, found = l.Limit, true
			}
		}
		if !found {
			out = append(out, l)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func setInt(dst **int64, v *int64) {
	if v != nil && *v != 0 {
		n := *v
		*dst = &n
	}
}

func setUint(dst **uint64, v *uint64) {
	if v != nil && *v != 0 {
		n := *v
		*dst = &n
	}
}
