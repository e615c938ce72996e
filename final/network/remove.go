package network

import (
	"errors"
	"fmt"
	"os"

	"github.com/mydocker/mydocker/final/events"
)

// ErrInUse: a container is on the network, which cannot be removed.
var ErrInUse = errors.New("network in use")

// Remove removes the network name, which no container may use.
func (s Store) Remove(name string) error {
	if err := refusePredefined(name, "remove"); err != nil {
		return err
	}
	lock, err := s.Lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	n, err := s.Get(name)
	if err != nil {
		return err
	}
	// Addresses whose container is gone (a kill -9 before its state
	// recorded them) are no container's: collected, they do not keep the
	// network.
	if err := s.collectAllocations(name); err != nil {
		return err
	}
	if err := s.collectPorts(); err != nil {
		return err
	}
	got, err := s.ipam().load(name)
	if err != nil {
		return err
	}
	if len(got) > 0 {
		return fmt.Errorf("%w: network %s has %d containers attached: remove them first", ErrInUse, name, len(got))
	}
	return s.remove(n)
}

// remove undoes Create: what the driver made, then the files; with the
// last network, our chains too. It keeps the network's file when the
// driver could not undo everything (a rule that could not be removed):
// the next remove finds it and tries again.
func (s Store) remove(n *Network) error {
	d, err := driverNamed(n.Driver)
	if err != nil {
		return err // Get refuses such a file: not reached
	}
	if err := d.Delete(n); err != nil {
		return err
	}
	if err := s.removeNames(n.Name); err != nil {
		return err
	}
	for _, path := range []string{s.ipam().path(n.Name), s.path(n.Name)} {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	events.Log(s.Root, events.Network, "destroy", n.Name, map[string]string{"name": n.Name, "type": n.Driver})
	if nets, err := s.List(); err == nil && len(nets) == 0 {
		return removeChainsIfUnused()
	}
	return nil
}
