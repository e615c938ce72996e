package container

import (
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
)

// Pruned is what a prune removed (IDs or names) and the bytes that freed.
// A removal that failed is in Errs: a prune goes on past it, as docker's.
// The CLI's prune commands and the API's prune requests share these.
type Pruned struct {
	Removed []string
	Bytes   int64
	Errs    []error
}

// PruneContainers removes every container of states (reconciled) that
// does not run, exited or created and never started, and that keep (nil:
// any) keeps for its labels.
func PruneContainers(store state.Store, states []*state.Container, keep func(map[string]string) bool) Pruned {
	var p Pruned
	for _, st := range states {
		if st.Running() || st.Restarting() || (st.Status != state.Exited && !st.NotStarted) {
			continue
		}
		if keep != nil && !keep(st.Config.Labels) {
			continue
		}
		size := volume.DirSize(st.Workspace().Upper())
		if err := Remove(store, st, false, false); err != nil {
			p.Errs = append(p.Errs, err)
			continue
		}
		p.Removed, p.Bytes = append(p.Removed, st.ID), p.Bytes+size
	}
	return p
}

// PruneNetworks removes the user's networks that no container of states
// (reconciled), running or not, is on: docker's own bridge, host and none
// stay.
func PruneNetworks(store state.Store, states []*state.Container) (Pruned, error) {
	var p Pruned
	used := map[string]bool{network.DefaultName: true}
	for _, st := range states {
		if opts, err := LoadRunOptions(st); err == nil {
			used[opts.Network] = true
			for _, more := range opts.MoreNetworks {
				used[more.Name] = true
			}
		}
		for _, ep := range st.Endpoints() {
			used[ep.Network] = true
		}
	}
	nets := Networks(store)
	list, err := nets.List()
	if err != nil {
		return p, err
	}
	for _, n := range list {
		if used[n.Name] {
			continue
		}
		if err := nets.Remove(n.Name); err != nil {
			p.Errs = append(p.Errs, err)
			continue
		}
		p.Removed = append(p.Removed, n.Name)
	}
	return p, nil
}

// PruneVolumes removes the volumes that no container of states, running
// or not, binds: the anonymous ones, or with all every one, that keep
// (nil: any) keeps for their labels.
func PruneVolumes(store state.Store, states []*state.Container, all bool, keep func(map[string]string) bool) (Pruned, error) {
	var p Pruned
	vols := volume.Store{Root: store.Root}
	list, err := vols.List()
	if err != nil {
		return p, err
	}
	used := map[string]bool{}
	for _, st := range states {
		for _, v := range st.Volumes {
			used[v.Host] = true
		}
	}
	for _, v := range list {
		if used[v.Mountpoint] || (!all && !v.Anonymous()) || (keep != nil && !keep(v.Labels)) {
			continue
		}
		size := volume.DirSize(v.Mountpoint)
		if err := vols.Remove(v.Name, nil); err != nil {
			p.Errs = append(p.Errs, err)
			continue
		}
		p.Removed, p.Bytes = append(p.Removed, v.Name), p.Bytes+size
	}
	return p, nil
}

// VolumeUsers names the containers of states, running or not, that bind
// the volume name: volume rm refuses to remove it while there are any.
func VolumeUsers(store state.Store, states []*state.Container, name string) []string {
	path := volume.Store{Root: store.Root}.Path(name)
	var users []string
	for _, st := range states {
		for _, v := range st.Volumes {
			if v.Host == path {
				users = append(users, st.Name)
				break
			}
		}
	}
	return users
}
