package network

import (
	"fmt"
	"net"
	"os"

	"github.com/vishvananda/netlink"

	"github.com/mydocker/mydocker/final/events"
)

// Create makes the network name (book 6.1): its file, then what its
// driver makes on the host; on failure it undoes what it made. What can
// fail before anything is made is tried first (the driver is known,
// iptables is there), so that a host without iptables leaves nothing,
// and the undo needs only what has worked.
func (s Store) Create(name, driver, subnet string) (*Network, error) {
	return s.CreateLabeled(name, driver, subnet, nil)
}

// CreateLabeled is Create, with the network's labels.
func (s Store) CreateLabeled(name, driver, subnet string, labels map[string]string) (n *Network, err error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("invalid network name %q: want [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 64", name)
	}
	if err := refusePredefined(name, "create"); err != nil {
		return nil, err
	}
	d, err := driverNamed(driver)
	if err != nil {
		return nil, err
	}
	ipnet, err := parseSubnet(subnet)
	if err != nil {
		return nil, err
	}
	lock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	// A network half-made by a create that died is removed first, and
	// with it its claim on the name and the subnet.
	s.collectTemp()
	if err := s.collectHalfMade(); err != nil {
		return nil, err
	}
	if _, err := s.Get(name); err == nil {
		return nil, fmt.Errorf("network %s already exists", name)
	}
	if err := s.checkFree(ipnet); err != nil {
		return nil, err
	}
	first, _ := hostRange(ipnet)
	made := &Network{ID: newNetworkID(), Name: name, Driver: d.Name(), Subnet: ipnet.String(), Gateway: toIP(first).String(), Bridge: bridgeName(s.Root, name), Rules: rulesVersion, Creating: true, Labels: labels}
	// iptables is looked for before anything is recorded: without it
	// nothing can be made, and nothing needs undoing (remove needs it).
	if err := iptablesInstalled(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.dir(), 0o700); err != nil {
		return nil, err
	}
	// Recorded first, as being made, before the driver makes anything: a
	// run killed half-way leaves a network that the next command
	// completes or removes, never trusts, and the removal of the last
	// network takes our chains with it. (made, not n: a failed return
	// sets n to nil before the deferred undo runs.)
	if err := s.save(made); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = s.remove(made)
		}
	}()
	if err := d.Create(made); err != nil {
		return nil, err
	}
	made.Creating = false
	if err := s.save(made); err != nil {
		return nil, err
	}
	events.Log(s.Root, events.Network, "create", made.Name, map[string]string{"name": made.Name, "type": made.Driver})
	return made, nil
}

// checkFree refuses a subnet that overlaps one of our networks or a route
// the host has already (its LAN, a VPN, docker's bridges).
func (s Store) checkFree(ipnet *net.IPNet) error {
	nets, err := s.List()
	if err != nil {
		return err
	}
	for _, other := range nets {
		if overlap(ipnet, other.IPNet()) {
			return fmt.Errorf("subnet %s overlaps network %s (%s)", ipnet, other.Name, other.Subnet)
		}
	}
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return fmt.Errorf("list the host's routes: %w", err)
	}
	for _, r := range routes {
		if r.Dst == nil {
			continue // the default route
		}
		if ones, _ := r.Dst.Mask.Size(); ones > 0 && overlap(ipnet, r.Dst) {
			return fmt.Errorf("subnet %s overlaps the host's route to %s", ipnet, r.Dst)
		}
	}
	return nil
}

func overlap(a, b *net.IPNet) bool { return a.Contains(b.IP) || b.Contains(a.IP) }
