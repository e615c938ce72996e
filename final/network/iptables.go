package network

import (
	"fmt"
	"net"

	"github.com/coreos/go-iptables/iptables"
)

// Our chains. Every rule mydocker adds is in one of them, reached by one
// jump from the built-in chain: teardown deletes precisely what it added,
// and with the last network the jumps and chains go too, so that
// iptables-save is what it was before. A network's chains, jumps and
// rules are made and removed by one iptables-restore each (restore.go);
// github.com/coreos/go-iptables drives the iptables binary for the few
// rules of -p, as the book did. Both go through the iptables binaries, so
// both back ends work (iptables-nft, as on Debian 12, and iptables-legacy).
const (
	chainPost = "MYDOCKER-POSTROUTING" // nat: MASQUERADE out of each subnet
	chainDNAT = "MYDOCKER-DNAT"        // nat: -p, from outside and from the host itself
	chainFwd  = "MYDOCKER-FORWARD"     // filter: what may enter and leave each bridge
	chainIso  = "MYDOCKER-ISOLATION"   // filter: no bridge of ours to another (docker's isolation stages)
	chainRaw  = "MYDOCKER-RAW"         // raw: no 127.0.0.0/8 from a bridge (CVE-2020-8558)
)

// jumps are the rules that lead into our chains.
var jumps = []struct {
	table, chain string
	rule         []string
}{
	{"nat", "POSTROUTING", []string{"-j", chainPost}},
	// To any address of this host: from outside (PREROUTING) and from
	// the host itself (OUTPUT), where the book's PREROUTING-only DNAT
	// never applied.
	{"nat", "PREROUTING", []string{"-m", "addrtype", "--dst-type", "LOCAL", "-j", chainDNAT}},
	{"nat", "OUTPUT", []string{"-m", "addrtype", "--dst-type", "LOCAL", "-j", chainDNAT}},
	// First in FORWARD: a host whose policy is DROP (docker's) still
	// forwards our bridges' traffic.
	{"filter", "FORWARD", []string{"-j", chainFwd}},
	// raw sees a packet before any NAT: its destination as the sender
	// wrote it.
	{"raw", "PREROUTING", []string{"-j", chainRaw}},
}

func ipt() (*iptables.IPTables, error) {
	t, err := iptables.New()
	if err != nil {
		return nil, fmt.Errorf("iptables: %w (install the iptables package)", err)
	}
	return t, nil
}

// deleteRule deletes rule from table's chain where both are there. A chain
// that could not be looked at (iptables failed, or was killed) is an
// error, not a chain that is gone: taken for gone, its rule would be left
// to nobody, the network's file removed after it.
func deleteRule(t *iptables.IPTables, table, chain string, rule ...string) error {
	ok, err := t.ChainExists(table, chain)
	if err != nil {
		return fmt.Errorf("iptables -t %s -S %s: %w", table, chain, err)
	}
	if !ok {
		return nil
	}
	// A rule that jumps to one of our chains cannot be there without it,
	// and iptables -C fails (exit 2, not "no such rule") for a missing
	// target: a create that failed before making that chain undoes
	// its network's rules here.
	if target := jumpTarget(rule); target != "" {
		if ok, err := t.ChainExists(table, target); err != nil {
			return fmt.Errorf("iptables -t %s -S %s: %w", table, target, err)
		} else if !ok {
			return nil
		}
	}
	if err := t.DeleteIfExists(table, chain, rule...); err != nil {
		return fmt.Errorf("iptables -t %s -D %s: %w", table, chain, err)
	}
	return nil
}

// jumpTarget is the chain of ours that rule jumps to, or "".
func jumpTarget(rule []string) string {
	for i := 0; i+1 < len(rule); i++ {
		if rule[i] != "-j" {
			continue
		}
		for _, c := range ourChains {
			if c.chain == rule[i+1] {
				return c.chain
			}
		}
	}
	return ""
}

// ourChains are the chains every network's rules go in. chainFwd jumps to
// chainIso: it is emptied first, and chainIso then deleted.
var ourChains = []struct{ table, chain string }{
	{"nat", chainPost}, {"nat", chainDNAT}, {"filter", chainFwd}, {"filter", chainIso}, {"raw", chainRaw},
}

// networkRules are the rules of one network's bridge.
func networkRules(n *Network) []struct {
	table, chain string
	rule         []string
} {
	return []struct {
		table, chain string
		rule         []string
	}{
		// The way out: traffic from the subnet that leaves by another
		// interface takes the host's address.
		{"nat", chainPost, []string{"-s", n.Subnet, "!", "-o", n.Bridge, "-j", "MASQUERADE"}},
		// -p from the host itself: 127.0.0.1 cannot be a source on the
		// bridge, nor answered from the container (route_localnet lets it
		// be routed, MASQUERADE gives it the bridge's address).
		{"nat", chainPost, []string{"-s", "127.0.0.0/8", "-o", n.Bridge, "-j", "MASQUERADE"}},
		// route_localnet (bridge.go) makes the kernel route 127.0.0.0/8
		// on the bridge: without this, a container that writes such a
		// packet itself (NET_RAW, a default capability, is enough) reaches
		// the services bound to the host's own 127.0.0.1 (CVE-2020-8558).
		// The host's -p traffic to 127.0.0.1 never comes in on the bridge:
		// its replies are addressed to the gateway, undone to 127.0.0.1
		// only after raw, in nat.
		{"raw", chainRaw, []string{"-i", n.Bridge, "-d", "127.0.0.0/8", "-j", "DROP"}},
		// Into the bridge, as docker's FORWARD: replies to what the
		// containers opened, and what a -p DNAT sent (published ports);
		// from a container on the same bridge; nothing else, so that
		// other hosts and other networks cannot reach a port that is not
		// published.
		{"filter", chainFwd, []string{"-o", n.Bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "ACCEPT"}},
		{"filter", chainFwd, []string{"-i", n.Bridge, "-o", n.Bridge, "-j", "ACCEPT"}},
		// Out of the bridge: to another network of ours, dropped by
		// chainIso (every bridge's DROP is there, whichever network came
		// first); anywhere else, accepted (the way out, MASQUERADEd).
		{"filter", chainFwd, []string{"-i", n.Bridge, "-j", chainIso}},
		{"filter", chainFwd, []string{"-i", n.Bridge, "-j", "ACCEPT"}},
		{"filter", chainFwd, []string{"-o", n.Bridge, "-j", "DROP"}},
		{"filter", chainIso, []string{"-o", n.Bridge, "-j", "DROP"}},
	}
}

// rulesVersion is the version of networkRules: 2 since docker 28's
// isolation and the 127.0.0.0/8 guard, 0 before (a network file without
// the field).
const rulesVersion = 2

// legacyRules are the rules of version 0 that networkRules no longer
// has: removed with the network, or by upgradeRules.
func legacyRules(n *Network) []struct {
	table, chain string
	rule         []string
} {
	return []struct {
		table, chain string
		rule         []string
	}{{"filter", chainFwd, []string{"-o", n.Bridge, "-j", "ACCEPT"}}}
}

// portRules are the rules of one -p: the DNAT, to the host port on every
// address of the host or only on the one it is published on; and for an
// address of 127.0.0.0/8, docker 28's guard: nat's PREROUTING sees a
// packet before the kernel drops what comes to 127.0.0.0/8 from outside
// (a martian), so a neighbour that routes 127.0.0.1 to this host would be
// DNATed to a port published on loopback alone. raw drops that first.
func portRules(p Port, ip string) []struct {
	table, chain string
	rule         []string
} {
	dnat := []string{"-p", p.Proto, "--dport", fmt.Sprint(p.Host), "-j", "DNAT", "--to-destination", fmt.Sprintf("%s:%d", ip, p.Container)}
	if p.HostIP != "" {
		dnat = append([]string{"-d", p.HostIP + "/32"}, dnat...)
	}
	rules := []struct {
		table, chain string
		rule         []string
	}{{"nat", chainDNAT, dnat}}
	if parsed := net.ParseIP(p.HostIP); parsed != nil && parsed.IsLoopback() {
		rules = append(rules, struct {
			table, chain string
			rule         []string
		}{"raw", chainRaw, []string{"-d", p.HostIP + "/32", "!", "-i", "lo", "-p", p.Proto, "--dport", fmt.Sprint(p.Host), "-j", "DROP"}})
	}
	return rules
}
