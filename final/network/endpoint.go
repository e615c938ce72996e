package network

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/events"
)

// Endpoint is a container's place on a network (book 6.3): recorded in
// its config.json before anything of it is made, so that Disconnect can
// undo it from any mydocker process.
type Endpoint struct {
	Network string `json:"network"`
	IP      string `json:"ip"`
	Veth    string `json:"veth"` // the host end, on the bridge
	Ports   []Port `json:"ports,omitempty"`
	// Aliases are more names of the container on this network
	// (--network-alias), which its DNS answers as its name.
	Aliases []string `json:"aliases,omitempty"`
	// Slot is which of the container's networks this is: 0, its first,
	// is its eth0 and its default route; 1 is eth1, and so on.
	Slot int `json:"slot,omitempty"`
}

// vethName is the host end of the container id's veth for slot: "mdv"
// and 10 hex digits of the ID for the first, "mdx", 9 and the slot for
// the others; unique per container and slot, within IFNAMSIZ.
func vethName(id string, slot int) string {
	if slot == 0 {
		return "mdv" + id[:10]
	}
	return fmt.Sprintf("mdx%s%x", id[:9], slot%16)
}

// Ifname is the container's name of its end: eth0, eth1...
func (ep *Endpoint) Ifname() string { return fmt.Sprintf("eth%d", ep.Slot) }

// Reserve gives container id an address on the network name and the
// host ports of ports (a free one where a range or none is asked for:
// allocatePorts), bound by this process until Disconnect (see held),
// and has record write them into the container's state before the lock
// is let go: an allocation that its owner's state does not record is then
// surely of a run that died, and collected (collect.go). The network's
// bridge and rules are made again first if something took them away
// (ensure). Nothing else is made yet.
func (s Store) Reserve(name, id string, slot int, ports []Port, record func(*Endpoint) error) (*Endpoint, error) {
	lock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	n, err := s.Get(name)
	if err != nil {
		return nil, err
	}
	if err := s.ensure(n); err != nil {
		return nil, fmt.Errorf("network %s: make its bridge and rules again: %w", name, err)
	}
	if err := s.collectAllocations(name); err != nil {
		return nil, err
	}
	if err := s.collectPorts(); err != nil {
		return nil, err
	}
	ports, bound, err := s.allocatePorts(ports, id)
	if err != nil {
		return nil, err
	}
	hold(id, bound)
	ip, err := s.ipam().Allocate(n, id)
	if err != nil {
		releaseHeld(id)
		_ = s.releasePorts(ports, id)
		return nil, err
	}
	ep := &Endpoint{Network: name, IP: ip.String(), Veth: vethName(id, slot), Ports: ports, Slot: slot}
	if err := record(ep); err != nil {
		releaseHeld(id)
		_ = s.releasePorts(ports, id)
		_ = s.ipam().Release(n, ep.IP, id)
		return nil, err
	}
	events.Log(s.Root, events.Network, "connect", name, map[string]string{"name": name, "type": n.Driver, "container": id})
	return ep, nil
}

// Connect puts the container whose init is pid on the network: the
// network's driver gives it a device (the bridge's: a veth pair), which
// is named eth0 in the container's network namespace, with its address,
// lo up, and a default route through the gateway; then the DNAT of each
// -p.
func (s Store) Connect(ep *Endpoint, pid int) error {
	n, err := s.Get(ep.Network)
	if err != nil {
		return err
	}
	d, err := driverNamed(n.Driver)
	if err != nil {
		return err // Get refuses such a file: not reached
	}
	peer, err := d.Connect(n, ep, pid)
	if err != nil {
		return err
	}
	if err := configureInside(n, ep, peer, pid); err != nil {
		return err
	}
	return addPortRules(ep)
}

// configureInside names and addresses the container's end, through a
// netlink handle in the container's namespace: no thread of ours changes
// namespace.
func configureInside(n *Network, ep *Endpoint, peer string, pid int) error {
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return fmt.Errorf("open the container's network namespace: %w", err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return err
	}
	defer h.Close()
	link, err := h.LinkByName(peer)
	if err != nil {
		return err
	}
	if err := h.LinkSetName(link, ep.Ifname()); err != nil {
		return fmt.Errorf("name %s: %w", ep.Ifname(), err)
	}
	ipnet := n.IPNet()
	ipnet.IP = net.ParseIP(ep.IP).To4()
	if err := h.LinkSetHardwareAddr(link, macOf(ipnet.IP)); err != nil {
		return fmt.Errorf("give %s its MAC address: %w", ep.Ifname(), err)
	}
	if err := h.AddrAdd(link, &netlink.Addr{IPNet: ipnet}); err != nil {
		return fmt.Errorf("give %s %s: %w", ep.Ifname(), ipnet, err)
	}
	if err := h.LinkSetUp(link); err != nil {
		return err
	}
	lo, err := h.LinkByName("lo")
	if err != nil {
		return err
	}
	if err := h.LinkSetUp(lo); err != nil {
		return err
	}
	if ep.Slot > 0 {
		return nil // the default route is the first network's, as docker's
	}
	route := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: net.ParseIP(n.Gateway)}
	if err := h.RouteAdd(route); err != nil {
		return fmt.Errorf("default route via %s: %w", n.Gateway, err)
	}
	return nil
}

// macOf is the MAC address of the container that has ip: 02:42 and the
// four bytes of ip, as docker made them. An address given again (IPAM
// hands out the lowest free one) then comes with the same MAC, so the
// neighbours' ARP caches, which still hold the last owner's, stay right:
// with a random MAC, a new container is unreachable for seconds, until
// they expire.
func macOf(ip net.IP) net.HardwareAddr {
	ip4 := ip.To4()
	return net.HardwareAddr{0x02, 0x42, ip4[0], ip4[1], ip4[2], ip4[3]}
}

func addPortRules(ep *Endpoint) error {
	if len(ep.Ports) == 0 {
		return nil
	}
	t, err := ipt()
	if err != nil {
		return err
	}
	for _, p := range ep.Ports {
		for _, r := range portRules(p, ep.IP) {
			if err := t.AppendUnique(r.table, r.chain, r.rule...); err != nil {
				return fmt.Errorf("map port %s: %w", p, err)
			}
		}
	}
	return nil
}

// Disconnect undoes Reserve and Connect: the DNAT rules, the driver's
// device (the veth pair), the host ports and the address. It can run any
// number of times.
func (s Store) Disconnect(ep *Endpoint, id string) error {
	return s.disconnect(ep, id, true)
}

// DisconnectLeavingVeth is Disconnect but for the veth, for a container
// whose processes are all gone: the kernel deletes the pair itself when
// the container's network namespace goes, and deleting it ourselves
// waits for an RCU grace period (some 15 ms). The monitor tells the
// container's clients it exited first, then waits for that
// (AwaitVethGone).
func (s Store) DisconnectLeavingVeth(ep *Endpoint, id string) error {
	return s.disconnect(ep, id, false)
}

// AwaitVethGone waits until the kernel has deleted the veth name, as it
// does with the network namespace of its other end, and deletes it after
// timeout: a process we do not know of may hold the namespace.
func AwaitVethGone(name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		link, err := netlink.LinkByName(name)
		if err != nil {
			return nil // gone
		}
		if time.Now().After(deadline) {
			if err := netlink.LinkDel(link); err != nil && !errors.Is(err, unix.ENODEV) {
				return fmt.Errorf("delete veth %s: %w", name, err)
			}
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (s Store) disconnect(ep *Endpoint, id string, deleteVeth bool) error {
	lock, err := s.Lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	// A network whose file is gone or damaged still has its container's
	// device removed: by the bridge driver, the only one there is.
	n, nerr := s.Get(ep.Network)
	var d Driver = bridgeDriver{}
	if nerr == nil {
		if d, err = driverNamed(n.Driver); err != nil {
			return err // Get refuses such a file: not reached
		}
	}
	if len(ep.Ports) > 0 {
		t, err := ipt()
		if err != nil {
			return err
		}
		for _, p := range ep.Ports {
			for _, r := range portRules(p, ep.IP) {
				if err := deleteRule(t, r.table, r.chain, r.rule...); err != nil {
					return err
				}
			}
		}
	}
	if deleteVeth {
		if err := d.Disconnect(ep); err != nil {
			return err
		}
	}
	if len(ep.Ports) > 0 {
		releaseHeld(id) // the host ports are the first network's
		if err := s.releasePorts(ep.Ports, id); err != nil {
			return err
		}
	}
	if errors.Is(nerr, ErrNotFound) {
		return nil
	}
	if nerr != nil {
		return nerr
	}
	return s.ipam().Release(n, ep.IP, id)
}

// MACOf is the MAC address of the container at ip, as text.
func MACOf(ip string) string {
	parsed := net.ParseIP(ip)
	if parsed == nil || parsed.To4() == nil {
		return ""
	}
	return macOf(parsed).String()
}
