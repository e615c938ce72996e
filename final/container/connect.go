package container

import (
	"errors"
	"fmt"
	"slices"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// maxSlots bounds a container's networks: eth0 to eth15.
const maxSlots = 16

// Connect puts the container st on the network name, as docker network
// connect: a running one there and then (its next ethN, its names in the
// network's table), and at every start from now on (its run options say
// so); one that does not run, at its next start.
func Connect(store state.Store, st *state.Container, name string, aliases []string) error {
	if _, err := (network.Store{Root: store.Root}).Get(name); err != nil {
		return err
	}
	if len(aliases) > 0 && name == network.DefaultName {
		return errors.New("network-scoped aliases are only supported for user-defined networks")
	}
	return store.Change(st, func(now *state.Container) error {
		opts, err := LoadRunOptions(now)
		if err != nil {
			return err
		}
		switch {
		case now.HostNetwork || now.NetworkContainer != "":
			return fmt.Errorf("container %s shares the network of the host or of another container: it cannot be connected to another network", now.Name)
		case opts.Network == "":
			return fmt.Errorf("container %s has no network (--network none): it cannot be connected to one", now.Name)
		case opts.Network == name || slices.ContainsFunc(opts.MoreNetworks, func(a state.NetworkAttach) bool { return a.Name == name }):
			return fmt.Errorf("endpoint with name %s already exists in network %s", now.Name, name)
		}
		attach := state.NetworkAttach{Name: name, Aliases: aliases}
		if now.Running() {
			if err := connectRunning(now, attach); err != nil {
				return err
			}
		}
		opts.MoreNetworks = append(opts.MoreNetworks, attach)
		return saveRunOptions(now, opts)
	})
}

// connectRunning connects the running container now in its lowest free
// slot, undoing what it made when it cannot finish.
func connectRunning(now *state.Container, attach state.NetworkAttach) error {
	slot := freeSlot(now)
	if slot < 0 {
		return fmt.Errorf("container %s is on %d networks already", now.Name, maxSlots)
	}
	if err := connectMore(now, attach, slot, now.Init.PID); err != nil {
		if ep := now.EndpointOn(attach.Name); ep != nil {
			_ = disconnectOne(now, ep, false)
			forget(now, ep)
			_ = now.Save()
		}
		return err
	}
	return updatePeers(state.Store{Root: now.Root()}, attach.Name, "")
}

// freeSlot is the lowest slot none of st's endpoints has, or -1.
func freeSlot(st *state.Container) int {
	for slot := 1; slot < maxSlots; slot++ {
		if !slices.ContainsFunc(st.Endpoints(), func(ep *network.Endpoint) bool { return ep.Slot == slot }) {
			return slot
		}
	}
	return -1
}

// forget drops ep from st's record.
func forget(st *state.Container, ep *network.Endpoint) {
	if st.Endpoint == ep {
		st.Endpoint = nil
		return
	}
	st.MoreEndpoints = slices.DeleteFunc(st.MoreEndpoints, func(e *network.Endpoint) bool { return e == ep })
}

// Disconnect takes the container st off the network name, as docker
// network disconnect: a running one there and then (its ethN gone, its
// names forgotten), and from its next starts. Its first network taken
// off, the next becomes its first at its next start.
func Disconnect(store state.Store, st *state.Container, name string) error {
	return store.Change(st, func(now *state.Container) error {
		opts, err := LoadRunOptions(now)
		if err != nil {
			return err
		}
		ep := now.EndpointOn(name)
		if ep != nil && now.Running() {
			if err := disconnectOne(now, ep, false); err != nil {
				return err
			}
			forget(now, ep)
			if err := now.Save(); err != nil {
				return err
			}
		}
		switch i := slices.IndexFunc(opts.MoreNetworks, func(a state.NetworkAttach) bool { return a.Name == name }); {
		case opts.Network == name && len(opts.MoreNetworks) > 0:
			opts.Network, opts.Aliases = opts.MoreNetworks[0].Name, opts.MoreNetworks[0].Aliases
			opts.MoreNetworks = opts.MoreNetworks[1:]
		case opts.Network == name:
			opts.Network, opts.Aliases, opts.Ports = "", nil, nil
		case i >= 0:
			opts.MoreNetworks = slices.Delete(opts.MoreNetworks, i, i+1)
		case ep == nil:
			return fmt.Errorf("container %s is not connected to network %s", now.Name, name)
		}
		return saveRunOptions(now, opts)
	})
}
