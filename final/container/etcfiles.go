package container

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// etcFiles are the files of /etc that each container gets of its own, as
// under docker: written in its directory, and bound over the image's by
// its init, so that the image's own are never changed.
var etcFiles = []string{"hostname", "hosts", "resolv.conf"}

// etcBinds are the binds that init makes: container path → host file.
func etcBinds(st *state.Container) map[string]string {
	binds := map[string]string{}
	for _, name := range etcFiles {
		binds["/etc/"+name] = st.EtcPath(name)
	}
	if st.NetworkContainer != "" {
		// The network's files are the other container's, as under docker:
		// updated in place, they stay one.
		other := state.Store{Root: st.Root()}.PathOf(st.NetworkContainer)
		binds["/etc/hosts"] = filepath.Join(other, "hosts")
		binds["/etc/resolv.conf"] = filepath.Join(other, "resolv.conf")
	}
	return binds
}

// hostResolvConf is read for the container's resolv.conf. Where it holds
// only systemd-resolved's stub (127.0.0.53, which a container's own
// loopback does not answer), resolved's list of the real servers is used.
var hostResolvConf = []string{"/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"}

// writeEtcFiles writes the container's hostname, hosts and resolv.conf,
// and, on a user network, brings every container on it up to date, so
// that they find each other by name with no daemon to ask.
func writeEtcFiles(store state.Store, st *state.Container) error {
	if err := writeInPlace(st.EtcPath("hostname"), []byte(st.HostnameOrID()+"\n")); err != nil {
		return err
	}
	if st.NetworkContainer != "" {
		return nil // its hosts and resolv.conf are the other container's
	}
	if err := writeInPlace(st.EtcPath("resolv.conf"), containerResolvConf(st)); err != nil {
		return err
	}
	extra, err := extraHosts(store, st)
	if err != nil {
		return err
	}
	if st.HostNetwork {
		hosts, err := os.ReadFile("/etc/hosts")
		if err != nil {
			hosts = hostsFile(st)
		}
		return writeInPlace(st.EtcPath("hosts"), append(hosts, extra...))
	}
	if err := writeInPlace(st.EtcPath("hosts"), append(hostsFile(st), extra...)); err != nil {
		return err
	}
	for _, ep := range st.Endpoints() {
		if err := updatePeers(store, ep.Network, ""); err != nil {
			return err
		}
	}
	return nil
}

// updatePeers writes the name table of the network name (see
// network.Names) from every live container on it (but leaving, which is
// going), which their DNS servers answer from. The lock makes the
// tables of two containers that join at once follow one another, each
// from the list as it is then.
func updatePeers(store state.Store, name, leaving string) error {
	if name == network.DefaultName {
		return nil // docker's default bridge resolves no names
	}
	nets := network.Store{Root: store.Root}
	lock, err := nets.Lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	states, err := store.List()
	if err != nil {
		return err
	}
	names := network.Names{}
	for _, s := range states {
		ep := s.EndpointOn(name)
		if s.ID == leaving || ep == nil || !s.Init.Alive() {
			continue
		}
		for _, n := range peerNames(s, ep) {
			names[n] = append(names[n], ep.IP)
			names[n+"."+name] = append(names[n+"."+name], ep.IP)
		}
	}
	if err := nets.WriteNames(name, names); err != nil {
		return fmt.Errorf("write the names of network %s: %w", name, err)
	}
	return nil
}

// peerNames are the names another container finds st by on the network
// of ep: its name, its host name, its short ID and its aliases there, as
// docker's.
func peerNames(st *state.Container, ep *network.Endpoint) []string {
	names := []string{strings.ToLower(st.Name), st.ShortID()}
	if h := strings.ToLower(st.HostnameOrID()); h != names[0] && h != st.ShortID() {
		names = append(names, h)
	}
	for _, a := range ep.Aliases {
		names = append(names, strings.ToLower(a))
	}
	return names
}

// hostsFile is a container's /etc/hosts: localhost, and its own name on
// its address. Others' names are its DNS server's (dnsService).
func hostsFile(st *state.Container) []byte {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")
	if st.Endpoint != nil {
		fmt.Fprintf(&b, "%s\t%s\n", st.Endpoint.IP, st.HostnameOrID())
	}
	return b.Bytes()
}

// containerResolvConf is st's resolv.conf: the host's (resolvConf),
// with --dns, --dns-search and --dns-option over its lines; on a user
// network its own DNS server's address instead of any server, and
// ndots:0, as docker writes it, so that a bare name is asked as it is.
func containerResolvConf(st *state.Container) []byte {
	host := resolvConf(st.HostNetwork)
	d := st.DNS
	if !usesDNS(st) && len(d.Servers) == 0 && len(d.Search) == 0 && len(d.Options) == 0 {
		return host
	}
	servers, search, options := parseResolvConf(host)
	if len(d.Servers) > 0 {
		servers = d.Servers
	}
	if len(d.Search) > 0 {
		search = d.Search
	}
	if len(d.Options) > 0 {
		options = d.Options
	}
	if usesDNS(st) {
		servers = []string{"127.0.0.11"}
		if !slices.ContainsFunc(options, func(o string) bool { return strings.HasPrefix(o, "ndots:") }) {
			options = append(options, "ndots:0")
		}
	}
	var b bytes.Buffer
	for _, s := range servers {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	if len(search) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(search, " "))
	}
	if len(options) > 0 {
		fmt.Fprintf(&b, "options %s\n", strings.Join(options, " "))
	}
	return b.Bytes()
}

// parseResolvConf reads the servers, search domains and options of a
// resolv.conf.
func parseResolvConf(data []byte) (servers, search, options []string) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "nameserver":
			servers = append(servers, fields[1])
		case "search", "domain":
			search = fields[1:]
		case "options":
			options = append(options, fields[1:]...)
		}
	}
	return servers, search, options
}

// extraHosts are the --add-host lines of st's /etc/hosts. host-gateway
// is the host as the container reaches it: its network's gateway.
func extraHosts(store state.Store, st *state.Container) ([]byte, error) {
	var b bytes.Buffer
	for _, h := range st.DNS.ExtraHosts {
		name, ip, _ := strings.Cut(h, ":")
		if ip == "host-gateway" {
			gw, err := hostGateway(store, st)
			if err != nil {
				return nil, err
			}
			ip = gw
		}
		fmt.Fprintf(&b, "%s\t%s\n", ip, name)
	}
	return b.Bytes(), nil
}

// hostGateway is the address of the host on st's network, or on the
// default bridge for a container without one.
func hostGateway(store state.Store, st *state.Container) (string, error) {
	name := network.DefaultName
	if st.Endpoint != nil {
		name = st.Endpoint.Network
	}
	n, err := network.Store{Root: store.Root}.Get(name)
	if err != nil {
		return "", fmt.Errorf("--add-host NAME:host-gateway: no network %s to reach the host through: %w", name, err)
	}
	return n.Gateway, nil
}

// resolvConf is the host's resolv.conf for a container: as it is with the
// host's network, and otherwise without the loopback name servers, which
// the container's own loopback cannot answer. With none left, the
// container resolves nothing but /etc/hosts: mydocker never picks a
// public resolver for you.
func resolvConf(hostNetwork bool) []byte {
	for i, path := range hostResolvConf {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if hostNetwork {
			return data
		}
		kept, servers := withoutLoopback(data)
		if servers > 0 || i == len(hostResolvConf)-1 {
			return kept
		}
		if _, err := os.Stat(hostResolvConf[i+1]); err != nil {
			return kept
		}
	}
	return nil
}

// withoutLoopback drops the nameserver lines of loopback addresses, and
// counts those kept.
func withoutLoopback(data []byte) ([]byte, int) {
	var out bytes.Buffer
	servers := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "nameserver" {
			if ip := net.ParseIP(fields[1]); ip == nil || ip.IsLoopback() {
				continue
			}
			servers++
		}
		out.WriteString(line + "\n")
	}
	return out.Bytes(), servers
}

// writeInPlace replaces the contents of path but keeps its inode: the file
// is bound into running containers, and a bind follows the inode, so a
// new file renamed over it would never be seen inside.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|unix.O_NOFOLLOW, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.WriteAt(data, 0); err != nil {
		return err
	}
	return f.Truncate(int64(len(data)))
}
