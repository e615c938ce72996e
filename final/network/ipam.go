package network

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
)

// IPAM hands out the addresses of each network's subnet (book 6.2). It
// keeps, per network, the addresses given out and to whom, in
// Dir/NAME.json: {"10.10.0.2": "<container id>"}. A /8 costs what it
// holds, not a 16 MiB string of '0' and '1' as in the book's bitmap, and
// the file is written whole (atomicfile), never half. It has no lock of
// its own: its callers hold the networks' lock (Store.Lock), so that 20
// runs at once get 20 addresses, and an address and the endpoint that
// records it change together.
type IPAM struct {
	Dir string // <root>/ipam
}

// ipam is the store's IPAM, in <root>/ipam.
func (s Store) ipam() IPAM { return IPAM{Dir: filepath.Join(s.Root, "ipam")} }

func (a IPAM) path(network string) string { return filepath.Join(a.Dir, network+".json") }

// load returns the addresses given out on network, by address.
func (a IPAM) load(network string) (map[string]string, error) {
	got := map[string]string{}
	b, err := os.ReadFile(a.path(network))
	if errors.Is(err, fs.ErrNotExist) {
		return got, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &got); err != nil {
		return nil, damagedAllocations(a.path(network), err)
	}
	return got, nil
}

func (a IPAM) save(network string, got map[string]string) error {
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(a.path(network), append(b, '\n'), 0o600)
}

// Allocate gives owner the lowest free address of n: never the network's
// own, the gateway's or the broadcast address. Call it with the lock held.
func (a IPAM) Allocate(n *Network, owner string) (net.IP, error) {
	got, err := a.load(n.Name)
	if err != nil {
		return nil, err
	}
	first, last := hostRange(n.IPNet())
	for i := first + 1; i <= last; i++ { // first is the gateway
		ip := toIP(i)
		if _, taken := got[ip.String()]; !taken {
			got[ip.String()] = owner
			if err := a.save(n.Name, got); err != nil {
				return nil, err
			}
			return ip, nil
		}
	}
	return nil, fmt.Errorf("network %s is full: all %d addresses of %s are taken", n.Name, last-first, n.Subnet)
}

// Release gives the address ip of n back, if owner holds it. Call it with
// the lock held.
func (a IPAM) Release(n *Network, ip, owner string) error {
	got, err := a.load(n.Name)
	if err != nil {
		return err
	}
	if got[ip] != owner {
		return nil
	}
	delete(got, ip)
	return a.save(n.Name, got)
}

// ReleaseUnheld gives back every address of network that holds(ip, owner)
// says its owner no longer holds (collect.go), in one write. Call it with
// the lock held.
func (a IPAM) ReleaseUnheld(network string, holds func(ip, owner string) bool) error {
	got, err := a.load(network)
	if err != nil {
		return err
	}
	changed := false
	for ip, owner := range got {
		if !holds(ip, owner) {
			delete(got, ip)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return a.save(network, got)
}

// hostRange returns the first and last host address of ipnet.
func hostRange(ipnet *net.IPNet) (uint32, uint32) {
	base := binary.BigEndian.Uint32(ipnet.IP.To4())
	ones, _ := ipnet.Mask.Size()
	size := uint32(1) << (32 - ones)
	return base + 1, base + size - 2
}

func toIP(a uint32) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, a)
	return ip
}

// damagedAllocations names an address or port file that does not parse,
// and what to do: removed, it forgets what running containers hold.
func damagedAllocations(path string, err error) error {
	return fmt.Errorf("%s is damaged (%v): restore it, or remove the containers on that network and then the file", path, err)
}
