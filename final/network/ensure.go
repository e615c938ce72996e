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

// ensureRules makes the network's rules, our chains and their jumps when
// one of them is missing or out of order. One iptables-save tells (a
// run's cost: some 10 ms); only then are the network's rules removed and
// made again, in networkRules' order, which AppendUnique alone would not
// keep: a rule made again after its chain's DROP would never match.
func ensureRules(n *Network) error {
	if n.Rules >= rulesVersion && rulesInPlace(n) {
		return nil
	}
	t, err := ipt()
	if err != nil {
		return err
	}
	for _, r := range append(legacyRules(n), networkRules(n)...) {
		if err := deleteRule(t, r.table, r.chain, r.rule...); err != nil {
			return err
		}
	}
	return addNetworkRules(n)
}

// rulesInPlace tells whether iptables-save shows every jump and every rule
// of n, n's in their order. Rules are compared as sets of words: iptables
// prints a rule's matches in an order of its own (-d before -i).
func rulesInPlace(n *Network) bool {
	save, err := iptablesSave()
	if err != nil {
		return false // the slow way, rule by rule, tells
	}
	for _, j := range jumps {
		if save.find(j.table, j.chain, j.rule, 0) < 0 {
			return false
		}
	}
	after := map[string]int{}
	for _, r := range networkRules(n) {
		key := r.table + " " + r.chain
		at := save.find(r.table, r.chain, r.rule, after[key])
		if at < 0 {
			return false
		}
		after[key] = at + 1
	}
	return true
}

// savedRules are iptables-save's rules: per "table chain", each rule's
// words, sorted.
type savedRules map[string][]string

func iptablesSave() (savedRules, error) {
	path, err := exec.LookPath("iptables-save")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(path).Output()
	if err != nil {
		return nil, err
	}
	rules := savedRules{}
	table := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if t, ok := strings.CutPrefix(line, "*"); ok {
			table = t
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
// when it is not there.
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
