// Package network gives containers bridge networks (book 6.x). The Store
// keeps the networks' files under one lock and has a Driver (driver.go,
// book 6.1) make each network on the host: the bridge driver (bridge.go),
// a Linux bridge per network with the first address of its subnet and a
// veth pair per container. The IPAM (ipam.go, book 6.2) hands out the
// subnet's addresses; iptables rules make the way out (MASQUERADE) and in
// (-p, DNAT). Every rule lives in chains of our own, so that teardown
// removes exactly what was added.
package network

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/lockfile"
)

// Network is one network's file, <root>/networks/NAME.json.
type Network struct {
	// ID is docker's 64 hex digits, made at create (NetworkID).
	ID      string `json:"id,omitempty"`
	Name    string `json:"name"`
	Driver  string `json:"driver"`
	Subnet  string `json:"subnet"`  // canonical CIDR, such as 10.10.0.0/24
	Gateway string `json:"gateway"` // the bridge's address: the subnet's first
	Bridge  string `json:"bridge"`  // the bridge device
	Rules   int    `json:"rules"`   // the rulesVersion its iptables rules are of
	// Labels are the user's (network create --label, compose's project
	// and network names), as docker keeps them.
	Labels map[string]string `json:"labels,omitempty"`
	// Creating is set in the file that Create writes before it makes the
	// rules and the bridge, and cleared once they are made. Create holds
	// the lock throughout: a file found with it under the lock is of a
	// create that died half-way (kill -9), and is not trusted: a run
	// completes it (ensure), create and ls remove it (collectHalfMade).
	Creating bool `json:"creating,omitempty"`
}

// IPNet is the subnet, parsed.
func (n *Network) IPNet() *net.IPNet {
	_, ipnet, _ := net.ParseCIDR(n.Subnet)
	return ipnet
}

// ErrNotFound: no network has that name.
var ErrNotFound = errors.New("no such network")

// Store keeps the networks in <root>/networks/NAME.json, their addresses
// in <root>/ipam/NAME.json (its IPAM) and the host ports that -p took in
// <root>/ports.json, all behind one lock, <root>/networks.lock: they
// change one process at a time, so 20 runs at once get 20 addresses.
type Store struct {
	Root string // mydocker's --root
	// Holder, when set, tells what the container id holds: the endpoint
	// its state records, and whether the container exists at all. An
	// address or host port whose owner does not exist, or does not record
	// it (a kill -9 between the reservation and the state's save), is
	// collected (collectAllocations). Without it nothing is collected.
	Holder func(id string) (eps []*Endpoint, exists bool, err error)
}

func (s Store) dir() string             { return filepath.Join(s.Root, "networks") }
func (s Store) path(name string) string { return filepath.Join(s.dir(), name+".json") }

// Lock takes the networks' lock.
func (s Store) Lock() (*lockfile.Lock, error) {
	if err := os.MkdirAll(s.Root, 0o700); err != nil {
		return nil, err
	}
	return lockfile.Take(filepath.Join(s.Root, "networks.lock"))
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$`)

// bridgeName derives the bridge device from the state root and the
// network's name: "md-" and 8 hex digits of their SHA-256, 11 bytes,
// within IFNAMSIZ (15) for any name, where the book used the name itself
// and failed past 15 bytes. With the root in it, two roots (a test's and
// the user's) can each have a network of the same name.
func bridgeName(root, network string) string {
	sum := sha256.Sum256([]byte(root + "\x00" + network))
	return "md-" + hex.EncodeToString(sum[:4])
}

// parseSubnet checks --subnet: an IPv4 prefix from /8 to /30 (a /31 or /32
// has no room for a gateway and a container), made canonical.
func parseSubnet(cidr string) (*net.IPNet, error) {
	ip, ipnet, err := net.ParseCIDR(cidr)
	if err != nil || ip.To4() == nil {
		return nil, fmt.Errorf("invalid subnet %q: want an IPv4 prefix such as 10.10.0.0/24", cidr)
	}
	if ones, _ := ipnet.Mask.Size(); ones < 8 || ones > 30 {
		return nil, fmt.Errorf("invalid subnet %q: the prefix must be /8 to /30", cidr)
	}
	return ipnet, nil
}

// Get returns the network name.
func (s Store) Get(name string) (*Network, error) {
	b, err := os.ReadFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) || !validName.MatchString(name) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	if err != nil {
		return nil, err
	}
	n := &Network{}
	if err := json.Unmarshal(b, n); err != nil || n.Name != name || n.IPNet() == nil {
		return nil, damaged(s.path(name), err)
	}
	// A driver this mydocker does not have could neither make the
	// network again nor remove it.
	if _, err := driverNamed(n.Driver); err != nil {
		return nil, damaged(s.path(name), err)
	}
	return n, nil
}

// List returns every network, by name.
func (s Store) List() ([]*Network, error) {
	entries, err := os.ReadDir(s.dir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var nets []*Network
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !validName.MatchString(name) {
			continue // a temporary file of atomicfile
		}
		n, err := s.Get(name)
		if err != nil {
			return nil, err
		}
		nets = append(nets, n)
	}
	sort.Slice(nets, func(i, j int) bool { return nets[i].Name < nets[j].Name })
	return nets, nil
}

func (s Store) save(n *Network) error {
	b, err := json.MarshalIndent(n, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.path(n.Name), append(b, '\n'), 0o600)
}

// damaged names a network file that does not parse (truncated by a full
// disk, edited by hand), and what to do: it is never removed for the
// user, whose network it may be.
func damaged(path string, err error) error {
	if err == nil {
		err = errors.New("no name, or no subnet")
	}
	return fmt.Errorf("network file %s is damaged (%v): restore it, or move it away and remove that network's bridge (ip link) and create it again", path, err)
}

// NetworkID is the network's ID: made at create, or, for a network made
// before networks had one, derived from what names it (stable for its
// life).
func (n *Network) NetworkID() string {
	if n.ID != "" {
		return n.ID
	}
	sum := sha256.Sum256([]byte("mydocker network\x00" + n.Bridge + "\x00" + n.Name))
	return hex.EncodeToString(sum[:])
}

// newNetworkID is a random ID, as docker's.
func newNetworkID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NameOf is the name of the network ref names: its name, or its ID or a
// unique prefix of it, as docker takes either (host's and none's too). A
// ref that names none is returned as it is, for Get to say so.
func (s Store) NameOf(ref string) string {
	if _, err := os.Stat(s.path(ref)); err == nil || len(ref) < 1 || !isHex(ref) {
		return ref
	}
	nets, err := s.List()
	if err != nil {
		return ref
	}
	nets = append(nets, Predefined()...)
	found := ""
	for _, n := range nets {
		if strings.HasPrefix(n.NetworkID(), ref) {
			if found != "" {
				return ref // more than one: not a name of either
			}
			found = n.Name
		}
	}
	if found == "" {
		return ref
	}
	return found
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
