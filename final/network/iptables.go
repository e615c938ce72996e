package network

import (
	"fmt"
	"strings"

	"github.com/coreos/go-iptables/iptables"
)

// Our chains. Every rule mydocker adds is in one of them, reached by one
// jump from the built-in chain: teardown deletes precisely what it added,
// and with the last network the jumps and chains go too, so that
// iptables-save is what it was before. github.com/coreos/go-iptables
// drives the iptables binary, as the book did, so both back ends work
// (iptables-nft, as on Debian 12, and iptables-legacy).
const (
	chainPost = "MYDOCKER-POSTROUTING" // nat: MASQUERADE out of each subnet
	chainDNAT = "MYDOCKER-DNAT"        // nat: -p, from outside and from the host itself
	chainFwd  = "MYDOCKER-FORWARD"     // filter: let each bridge's traffic through
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
}

func ipt() (*iptables.IPTables, error) {
	t, err := iptables.New()
	if err != nil {
		return nil, fmt.Errorf("iptables: %w (install the iptables package)", err)
	}
	return t, nil
}

// ensureChains makes our chains and their jumps, once.
func ensureChains(t *iptables.IPTables) error {
	for _, c := range []struct{ table, chain string }{{"nat", chainPost}, {"nat", chainDNAT}, {"filter", chainFwd}} {
		if ok, err := t.ChainExists(c.table, c.chain); err != nil {
			return err
		} else if !ok {
			if err := t.NewChain(c.table, c.chain); err != nil {
				return err
			}
		}
	}
	for _, j := range jumps {
		ok, err := t.Exists(j.table, j.chain, j.rule...)
		if err != nil {
			return err
		}
		if !ok {
			if err := t.Insert(j.table, j.chain, 1, j.rule...); err != nil {
				return fmt.Errorf("iptables -t %s -I %s: %w", j.table, j.chain, err)
			}
		}
	}
	return nil
}

// removeChainsIfUnused removes the jumps and our chains, once no network
// of any state root has a rule in them: another root's networks (a
// test's, next to the user's) share them.
func removeChainsIfUnused(t *iptables.IPTables) error {
	for _, c := range ourChains {
		rules, err := t.List(c.table, c.chain)
		if err != nil {
			continue // not there
		}
		for _, r := range rules {
			if !strings.HasPrefix(r, "-N ") {
				return nil // in use
			}
		}
	}
	for _, j := range jumps {
		// A jump to a chain that is gone cannot even be looked for.
		target := j.rule[len(j.rule)-1]
		if ok, _ := t.ChainExists(j.table, target); !ok {
			continue
		}
		if err := t.DeleteIfExists(j.table, j.chain, j.rule...); err != nil {
			return err
		}
	}
	for _, c := range ourChains {
		if ok, _ := t.ChainExists(c.table, c.chain); ok {
			if err := t.ClearAndDeleteChain(c.table, c.chain); err != nil {
				return err
			}
		}
	}
	return nil
}

// ourChains are the chains every network's rules go in.
var ourChains = []struct{ table, chain string }{{"nat", chainPost}, {"nat", chainDNAT}, {"filter", chainFwd}}

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
		{"filter", chainFwd, []string{"-i", n.Bridge, "-j", "ACCEPT"}},
		{"filter", chainFwd, []string{"-o", n.Bridge, "-j", "ACCEPT"}},
	}
}

// portRule is the DNAT of one -p.
func portRule(p Port, ip string) []string {
	return []string{"-p", p.Proto, "--dport", fmt.Sprint(p.Host), "-j", "DNAT", "--to-destination", fmt.Sprintf("%s:%d", ip, p.Container)}
}
