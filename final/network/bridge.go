package network

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/vishvananda/netlink"
)

// Create makes the network name (book 6.1): its file, then its rules, then
// its bridge with the gateway address; on failure it undoes what it made.
// What can fail before anything is made is tried first (iptables is
// there and works: its chains are made), so that a host without iptables
// leaves nothing, and the undo needs only what has worked.
func (s Store) Create(name, driver, subnet string) (n *Network, err error) {
	if !validName.MatchString(name) {
		return nil, fmt.Errorf("invalid network name %q: want [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 64", name)
	}
	if driver != "bridge" {
		return nil, fmt.Errorf("unknown network driver %q: this stage has bridge", driver)
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
	made := &Network{Name: name, Driver: driver, Subnet: ipnet.String(), Gateway: toIP(first).String(), Bridge: bridgeName(s.Root, name), Rules: rulesVersion, Creating: true}
	// iptables is looked for before anything is recorded: without it
	// nothing can be made, and nothing needs undoing.
	t, err := ipt()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.dir(), 0o700); err != nil {
		return nil, err
	}
	// Recorded first, as being made, before our chains too: a run killed
	// half-way leaves a network that the next command completes or
	// removes, never trusts, and the removal of the last network takes
	// the chains with it. (made, not n: a failed return sets n to nil
	// before the deferred undo runs.)
	if err := s.save(made); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = s.remove(made)
		}
	}()
	if err := ensureChains(t); err != nil {
		return nil, err
	}
	// The rules first: the guard against 127.0.0.0/8 from the bridge is
	// there before route_localnet is set on it.
	if err := addNetworkRules(made); err != nil {
		return nil, err
	}
	if err := createBridge(made); err != nil {
		return nil, err
	}
	made.Creating = false
	if err := s.save(made); err != nil {
		return nil, err
	}
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

// createBridge makes the bridge, gives it the gateway address and brings it
// up, and lets the host route to and from it.
func createBridge(n *Network) error {
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: n.Bridge}}
	if err := netlink.LinkAdd(br); err != nil {
		return fmt.Errorf("create bridge %s: %w", n.Bridge, err)
	}
	// A MAC of its own, set once: without one, a bridge takes the lowest
	// of its ports' and changes it as containers come and go, and the
	// containers' ARP entries for the gateway go stale (pings to it fail
	// for seconds). 02:42 and the gateway's address, as the containers'.
	if err := netlink.LinkSetHardwareAddr(br, macOf(net.ParseIP(n.Gateway))); err != nil {
		return fmt.Errorf("give %s its MAC address: %w", n.Bridge, err)
	}
	ipnet := n.IPNet()
	ipnet.IP = net.ParseIP(n.Gateway).To4()
	if err := netlink.AddrAdd(br, &netlink.Addr{IPNet: ipnet}); err != nil {
		return fmt.Errorf("give %s the address %s: %w", n.Bridge, ipnet, err)
	}
	if err := netlink.LinkSetUp(br); err != nil {
		return fmt.Errorf("bring %s up: %w", n.Bridge, err)
	}
	// Forwarding between interfaces is what a network needs (the host
	// keeps it on afterwards, as docker leaves it); route_localnet lets
	// -p traffic from the host's own 127.0.0.1 onto the bridge. It would
	// also let 127.0.0.0/8 in from the bridge, to the host's loopback
	// services: networkRules drops that in raw PREROUTING, rules that Create
	// makes before the bridge.
	return setSysctls(n)
}

func addNetworkRules(n *Network) error {
	t, err := ipt()
	if err != nil {
		return err
	}
	if err := ensureChains(t); err != nil {
		return err
	}
	for _, r := range networkRules(n) {
		if err := t.AppendUnique(r.table, r.chain, r.rule...); err != nil {
			return fmt.Errorf("iptables -t %s -A %s: %w", r.table, r.chain, err)
		}
	}
	return nil
}

// Remove removes the network name, which no container may use.
func (s Store) Remove(name string) error {
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
	got, err := s.allocations(name)
	if err != nil {
		return err
	}
	if len(got) > 0 {
		return fmt.Errorf("network %s has %d containers attached: remove them first", name, len(got))
	}
	return s.remove(n)
}

// remove undoes Create: rules, bridge, files; with the last network, our
// chains too. It goes on past a failure, so that what can be undone is,
// and keeps the network's file when a rule could not be removed: the next
// remove finds it and tries again.
func (s Store) remove(n *Network) error {
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	t, err := ipt()
	if err != nil {
		keep(err)
	} else {
		for _, r := range append(networkRules(n), legacyRules(n)...) {
			if err := deleteRule(t, r.table, r.chain, r.rule...); err != nil {
				keep(err)
			}
		}
	}
	if link, err := netlink.LinkByName(n.Bridge); err == nil {
		if err := netlink.LinkDel(link); err != nil {
			keep(fmt.Errorf("delete bridge %s: %w", n.Bridge, err))
		}
	}
	if first != nil {
		return first
	}
	for _, path := range []string{s.ipamPath(n.Name), s.path(n.Name)} {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if nets, err := s.List(); err == nil && len(nets) == 0 {
		return removeChainsIfUnused(t)
	}
	return nil
}
