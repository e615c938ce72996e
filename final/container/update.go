package container

import (
	"errors"
	"fmt"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/state"
)

// Update is what docker update changes: limits given (nil: kept), and
// the restart policy (nil: kept).
type Update struct {
	Memory, NanoCPUs, PidsLimit *int64
	CPUShares                   *uint64
	CPUSet                      *string
	Restart                     *state.RestartPolicy
}

// apply gives res the limits u sets.
func (u Update) apply(res *resources.Resources) {
	if u.Memory != nil {
		res.Memory = *u.Memory
	}
	if u.NanoCPUs != nil {
		res.NanoCPUs = *u.NanoCPUs
	}
	if u.PidsLimit != nil {
		res.PidsLimit = *u.PidsLimit
	}
	if u.CPUShares != nil {
		res.CPUShares = *u.CPUShares
	}
	if u.CPUSet != nil {
		res.CPUSet = *u.CPUSet
	}
}

// UpdateContainer changes a container's limits and restart policy, as
// docker update: a running one's cgroup at once, and its record and run
// options (what start and the monitor's restarts make it with) for good.
// The record is written after the cgroup took the limits: a limit the
// kernel refuses (a memory limit below what the container uses) changes
// nothing.
func UpdateContainer(store state.Store, st *state.Container, u Update) error {
	return store.Change(st, func(now *state.Container) error {
		if u.Restart != nil && u.Restart.Name != "" && now.AutoRemove {
			return errors.New("Restart policy cannot be updated because AutoRemove is enabled for the container") //nolint:staticcheck // docker's words
		}
		res := now.Resources
		u.apply(&res)
		if now.Running() {
			if err := setLimits(now.ID, res); err != nil {
				return fmt.Errorf("Cannot update container %s: %w", now.ID, err) //nolint:staticcheck // docker's words
			}
		}
		opts, err := LoadRunOptions(now)
		if err != nil {
			return err
		}
		opts.Resources = res
		now.Resources = res
		if u.Restart != nil {
			opts.Restart, now.Restart = *u.Restart, *u.Restart
		}
		if err := saveRunOptions(now, opts); err != nil {
			return err
		}
		if err := now.Save(); err != nil {
			return err
		}
		*st = *now
		logEvent(now, "update", nil)
		return nil
	})
}

// setLimits writes res into the running container id's cgroup, through
// the manager that made it. The device rules are not written again: they
// have not changed, and v1 would deny every device for a moment.
func setLimits(id string, res resources.Resources) error {
	m, err := cgroups.NewDetached(id)
	if err != nil {
		return err
	}
	res.Devices = nil
	return m.Set(&res)
}
