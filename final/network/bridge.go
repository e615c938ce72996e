package network

import (
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// bridgeDriver is the book's bridge driver (6.1): a Linux bridge per
// network, named in the network's file, with the gateway address, and
// the network's iptables rules (iptables.go); a container joins it with a
// veth pair, one end on the bridge, the other in its namespace.
type bridgeDriver struct{}

func (bridgeDriver) Name() string { return "bridge" }

// Create makes the rules, then the bridge: the guard against 127.0.0.0/8
// from the bridge is there before route_localnet is set on it.
func (bridgeDriver) Create(n *Network) error {
	if err := syncRules(n); err != nil {
		return err
	}
	return createBridge(n)
}

// Ensure makes the rules and the bridge again where they were taken
// away (ensure.go), the rules first, as Create.
func (bridgeDriver) Ensure(n *Network) error {
	if err := syncRules(n); err != nil {
		return err
	}
	return ensureBridge(n)
}

// Delete removes the network's rules, of this mydocker and of older ones
// (legacyRules), and its bridge.
func (bridgeDriver) Delete(n *Network) error {
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	if err := deleteNetworkRules(n); err != nil {
		keep(err)
	}
	if link, err := netlink.LinkByName(n.Bridge); err == nil {
		if err := netlink.LinkDel(link); err != nil {
			keep(fmt.Errorf("delete bridge %s: %w", n.Bridge, err))
		}
	}
	return first
}

// Connect makes the veth pair of ep (book 6.3): the host end on the
// bridge and up, the other, "mdp" and the host end's suffix, in the
// network namespace of pid.
func (bridgeDriver) Connect(n *Network, ep *Endpoint, pid int) (string, error) {
	br, err := netlink.LinkByName(n.Bridge)
	if err != nil {
		return "", fmt.Errorf("network %s: its bridge %s: %w", n.Name, n.Bridge, err)
	}
	// The container's end is made in its namespace at once, not made here
	// and moved (the book's way, ch6): moving a device between namespaces
	// waits for an RCU grace period, some 25 ms, a third of a run.
	peer := "mdp" + ep.Veth[3:]
	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{Name: ep.Veth, MasterIndex: br.Attrs().Index},
		PeerName:  peer, PeerNamespace: netlink.NsPid(pid),
	}
	if err := netlink.LinkAdd(veth); err != nil {
		return "", fmt.Errorf("create veth %s: %w", ep.Veth, err)
	}
	if err := netlink.LinkSetUp(veth); err != nil {
		return "", fmt.Errorf("bring %s up: %w", ep.Veth, err)
	}
	return peer, nil
}

// Disconnect deletes the veth pair (its other end goes with it). The
// kernel deletes the pair itself when the container's network namespace
// goes, which may happen between the look-up and the delete.
func (bridgeDriver) Disconnect(ep *Endpoint) error {
	if link, err := netlink.LinkByName(ep.Veth); err == nil {
		if err := netlink.LinkDel(link); err != nil && !errors.Is(err, unix.ENODEV) {
			return fmt.Errorf("delete veth %s: %w", ep.Veth, err)
		}
	}
	return nil
}

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
	// services: networkRules drops that in raw PREROUTING, rules that
	// Create makes before the bridge.
	return setSysctls(n)
}
