package network

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// ensure has the driver make what the network n needs on the host again, where
// something took it away: a reboot, ip link del, iptables -F, a firewalld
// reload. Nothing that is there is made twice. A run calls it before it
// connects a container (as podman's netavark sets its network up on every
// container start); it also completes a network whose create died, and
// brings an older mydocker's rules up to date. Call it with the lock held.
func (s Store) ensure(n *Network) error {
	d, err := driverNamed(n.Driver)
	if err != nil {
		return err // Get refuses such a file: not reached
	}
	if err := d.Ensure(n); err != nil {
		return err
	}
	if n.Creating || n.Rules < rulesVersion {
		n.Creating, n.Rules = false, rulesVersion
		return s.save(n)
	}
	return nil
}

// savedRules is what iptables-save shows: per "table chain", each rule's
// words, sorted; a chain with no rules is there with none.
type savedRules map[string][]string

// iptablesSave reads every table's rules, in one process.
func iptablesSave() (savedRules, error) {
	path, err := exec.LookPath("iptables-save")
	if err != nil {
		return nil, fmt.Errorf("iptables-save: %w (install the iptables package)", err)
	}
	cmd := exec.Command(path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("iptables-save: %w: %s", err, firstLine(stderr.String()))
	}
	return parseSave(out)
}

// parseSave reads iptables-save's output.
func parseSave(out []byte) (savedRules, error) {
	rules := savedRules{}
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if t, ok := strings.CutPrefix(line, "*"); ok {
			table = t
			continue
		}
		if c, ok := strings.CutPrefix(line, ":"); ok {
			// ":CHAIN POLICY [counters]": the chain, maybe without rules.
			if name, _, _ := strings.Cut(c, " "); name != "" {
				if _, ok := rules[table+" "+name]; !ok {
					rules[table+" "+name] = nil
				}
			}
			continue
		}
		words := strings.Fields(line)
		if len(words) < 2 || words[0] != "-A" {
			continue
		}
		key := table + " " + words[1]
		rules[key] = append(rules[key], wordSet(words[2:]))
	}
	return rules, sc.Err()
}

func wordSet(words []string) string {
	sorted := append([]string(nil), words...)
	sort.Strings(sorted)
	return strings.Join(sorted, " ")
}

// find returns the index of rule in table's chain at from or later, -1
// when it is not there. Rules are compared as sets of words: iptables
// prints a rule's matches in an order of its own (-d before -i).
func (s savedRules) find(table, chain string, rule []string, from int) int {
	want := wordSet(rule)
	got := s[table+" "+chain]
	for i := from; i < len(got); i++ {
		if got[i] == want {
			return i
		}
	}
	return -1
}

func (s savedRules) hasChain(table, chain string) bool {
	_, ok := s[table+" "+chain]
	return ok
}

// inPlace tells whether every jump and every rule of n is there, n's in
// their order, and no rule of an older mydocker's.
func (s savedRules) inPlace(n *Network) bool {
	for _, j := range jumps {
		if s.find(j.table, j.chain, j.rule, 0) < 0 {
			return false
		}
	}
	after := map[string]int{}
	for _, r := range networkRules(n) {
		key := r.table + " " + r.chain
		at := s.find(r.table, r.chain, r.rule, after[key])
		if at < 0 {
			return false
		}
		after[key] = at + 1
	}
	for _, r := range legacyRules(n) {
		if s.find(r.table, r.chain, r.rule, 0) >= 0 {
			return false
		}
	}
	return true
}

// ourChainsInUse tells whether a network (of any state root) has a rule
// in one of our chains.
func (s savedRules) ourChainsInUse() bool {
	for _, c := range ourChains {
		if len(s[c.table+" "+c.chain]) > 0 {
			return true
		}
	}
	return false
}

// ensureBridge makes the bridge when it is gone (a reboot, ip link del),
// and gives one that is there its address, its MAC and the up state when
// it lost them.
func ensureBridge(n *Network) error {
	link, err := netlink.LinkByName(n.Bridge)
	var notFound netlink.LinkNotFoundError
	if errors.As(err, &notFound) {
		return createBridge(n)
	}
	if err != nil {
		return fmt.Errorf("bridge %s: %w", n.Bridge, err)
	}
	if link.Type() != "bridge" {
		return fmt.Errorf("%s is a %s, not the bridge of network %s: remove it (ip link del %s)", n.Bridge, link.Type(), n.Name, n.Bridge)
	}
	mac := macOf(net.ParseIP(n.Gateway))
	if link.Attrs().HardwareAddr.String() != mac.String() {
		if err := netlink.LinkSetHardwareAddr(link, mac); err != nil {
			return fmt.Errorf("give %s its MAC address: %w", n.Bridge, err)
		}
	}
	ipnet := n.IPNet()
	ipnet.IP = net.ParseIP(n.Gateway).To4()
	if err := netlink.AddrAdd(link, &netlink.Addr{IPNet: ipnet}); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("give %s the address %s: %w", n.Bridge, ipnet, err)
	}
	if link.Attrs().Flags&net.FlagUp == 0 {
		if err := netlink.LinkSetUp(link); err != nil {
			return fmt.Errorf("bring %s up: %w", n.Bridge, err)
		}
	}
	return setSysctls(n)
}

// setSysctls lets the host route to and from the bridge: see createBridge.
func setSysctls(n *Network) error {
	for path, value := range map[string]string{
		"/proc/sys/net/ipv4/ip_forward":                           "1",
		"/proc/sys/net/ipv4/conf/" + n.Bridge + "/route_localnet": "1",
	} {
		if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
