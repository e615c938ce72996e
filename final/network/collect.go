package network

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// What a kill -9 leaves, collected under the lock by the next command
// that takes it (a run's Reserve, network create, ls and rm): addresses
// and host ports whose owner is gone, networks whose create died
// half-way, and atomicfile's temporary files.

// Collect collects, under the lock, what dead mydocker processes left in
// every network: network ls calls it before it lists them.
func (s Store) Collect() error {
	lock, err := s.Lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	return s.collect()
}

// collect is Collect with the lock held.
func (s Store) collect() error {
	s.collectTemp()
	if err := s.collectHalfMade(); err != nil {
		return err
	}
	nets, err := s.List()
	if err != nil {
		return err
	}
	if len(nets) == 0 {
		// A network rm killed between the last file's removal and the
		// chains' leaves them to nobody: they go here, unless another
		// state root's networks use them.
		_ = removeChainsIfUnused()
	}
	for _, n := range nets {
		if err := s.collectAllocations(n.Name); err != nil {
			return err
		}
	}
	return s.collectPorts()
}

// collectHalfMade removes the networks whose create died half-way: Create
// holds the lock until it clears Creating, so under the lock nobody is
// making them. What they made is undone, what they did not is skipped.
func (s Store) collectHalfMade() error {
	nets, err := s.List()
	if err != nil {
		return err
	}
	for _, n := range nets {
		if n.Creating {
			if err := s.remove(n); err != nil {
				return fmt.Errorf("network %s, half-made by a create that died: remove it: %w", n.Name, err)
			}
		}
	}
	return nil
}

// owns tells whether the container id still holds what the allocation
// says it does: check says whether its recorded endpoint has it. Unknown
// (no Holder, a state that cannot be read) counts as held: only what is
// surely nobody's is collected.
func (s Store) owns(id string, check func(*Endpoint) bool) bool {
	if s.Holder == nil {
		return true
	}
	eps, exists, err := s.Holder(id)
	if err != nil {
		return true
	}
	for _, ep := range eps {
		if exists && ep != nil && check(ep) {
			return true
		}
	}
	return false
}

// collectAllocations gives back the addresses of name whose owner does
// not hold them: Reserve records the endpoint in the owner's state before
// it lets go of the lock, so one that does not is of a run that died.
func (s Store) collectAllocations(name string) error {
	return s.ipam().ReleaseUnheld(name, func(ip, owner string) bool {
		return s.owns(owner, func(ep *Endpoint) bool { return ep.Network == name && ep.IP == ip })
	})
}

// collectPorts gives back the host ports whose owner does not hold them.
func (s Store) collectPorts() error {
	taken, err := s.loadPorts()
	if err != nil {
		return err
	}
	changed := false
	for key, owner := range taken {
		if !s.owns(owner, func(ep *Endpoint) bool { return hasPort(ep, key) }) {
			delete(taken, key)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return s.savePorts(taken)
}

func hasPort(ep *Endpoint, key string) bool {
	for _, p := range ep.Ports {
		if portKey(p) == key {
			return true
		}
	}
	return false
}

// collectTemp removes the temporary files of atomicfile
// (.NAME.json.tmp-*) that a kill left in the networks', addresses' and
// ports' directories. Every write of those is made under the networks'
// lock, which the caller holds: a temporary file found now is of a
// process that died, whatever its age. It is best effort: they only take
// room.
func (s Store) collectTemp() {
	for dir, prefix := range map[string]string{s.dir(): ".", s.ipam().Dir: ".", s.Root: ".ports.json.tmp-"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, prefix) || !strings.Contains(name, ".json.tmp-") || !e.Type().IsRegular() {
				continue
			}
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}
