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

// The IPAM (book 6.2) keeps, per network, the addresses given out and to
// whom: {"10.10.0.2": "<container id>"}. A /8 costs what it holds, not a
// 16 MiB string of '0' and '1' as in the book, and the file is written
// whole (atomicfile) under the store's lock, never half.

func (s Store) ipamPath(name string) string { return filepath.Join(s.Root, "ipam", name+".json") }

func (s Store) allocations(name string) (map[string]string, error) {
	got := map[string]string{}
	b, err := os.ReadFile(s.ipamPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return got, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &got); err != nil {
		return nil, damagedAllocations(s.ipamPath(name), err)
	}
	return got, nil
}

func (s Store) saveAllocations(name string, got map[string]string) error {
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.ipamPath(name), append(b, '\n'), 0o600)
}

// Allocate gives owner the lowest free address of n: never the network's
// own, the gateway's or the broadcast address. Call it with the lock held.
func (s Store) Allocate(n *Network, owner string) (net.IP, error) {
	got, err := s.allocations(n.Name)
	if err != nil {
		return nil, err
	}
	ipnet := n.IPNet()
	first, last := hostRange(ipnet)
	for a := first + 1; a <= last; a++ { // first is the gateway
		ip := toIP(a)
		if _, taken := got[ip.String()]; !taken {
			got[ip.String()] = owner
			if err := s.saveAllocations(n.Name, got); err != nil {
				return nil, err
			}
			return ip, nil
		}
	}
	return nil, fmt.Errorf("network %s is full: all %d addresses of %s are taken", n.Name, last-first, n.Subnet)
}

// Release gives the address ip of n back, if owner holds it. Call it with
// the lock held.
func (s Store) Release(n *Network, ip, owner string) error {
	got, err := s.allocations(n.Name)
	if err != nil {
		return err
	}
	if got[ip] != owner {
		return nil
	}
	delete(got, ip)
	return s.saveAllocations(n.Name, got)
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
