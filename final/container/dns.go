package container

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"
	"github.com/vishvananda/netns"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/network/dns"
	"github.com/mydocker/mydocker/final/state"
)

// dnsIP is where a container on a user network asks its questions, as
// under docker: an address of its own loopback, so that no other
// container and nothing on the host can reach its server. The server's
// sockets are on ports the kernel picks, and rules in the container's
// namespace send port 53 to them (redirectDNS): port 53 itself stays
// free for a DNS server of the container's own (pihole, dnsmasq).
const dnsIP = "127.0.0.11"

// dnsService is the DNS server of one run of a container on a user
// network. Its sockets are in the container's network namespace, the
// server in the monitor: it answers the network's names from the
// network's table (network.NameReader) and passes other questions to the
// host's servers.
type dnsService struct {
	udp    net.PacketConn
	tcp    net.Listener
	cancel context.CancelFunc
}

// usesDNS: the container is on a user network, whose names it resolves
// through its own server. docker's default bridge has none.
func usesDNS(st *state.Container) bool {
	return st.Endpoint != nil && st.Endpoint.Network != network.DefaultName
}

// containerNames is what a container's DNS server answers: the names of
// every user network the container is on now. Which those are is in its
// config.json (network connect and disconnect change it while it runs),
// read again when that file is another; each network's table is a
// network.NameReader.
type containerNames struct {
	root, path string

	mu      sync.Mutex
	seen    os.FileInfo
	nets    []string
	readers map[string]*network.NameReader
}

func newContainerNames(st *state.Container) *containerNames {
	return &containerNames{root: st.Root(), path: st.ConfigPath(), readers: map[string]*network.NameReader{}}
}

// tables are the name tables of the container's user networks.
func (c *containerNames) tables() []*network.NameReader {
	c.mu.Lock()
	defer c.mu.Unlock()
	if info, err := os.Stat(c.path); err == nil && (c.seen == nil || !os.SameFile(info, c.seen) || !info.ModTime().Equal(c.seen.ModTime())) {
		var st state.Container
		if data, err := os.ReadFile(c.path); err == nil && json.Unmarshal(data, &st) == nil {
			c.seen, c.nets = info, nil
			for _, ep := range st.Endpoints() {
				if ep.Network != network.DefaultName {
					c.nets = append(c.nets, ep.Network)
				}
			}
		}
	}
	var out []*network.NameReader
	for _, n := range c.nets {
		r, ok := c.readers[n]
		if !ok {
			r = network.Store{Root: c.root}.NameReader(n)
			c.readers[n] = r
		}
		out = append(out, r)
	}
	return out
}

func (c *containerNames) Lookup(name string) []netip.Addr {
	var out []netip.Addr
	for _, t := range c.tables() {
		out = append(out, t.Lookup(name)...)
	}
	return out
}

func (c *containerNames) Reverse(addr netip.Addr) []string {
	var out []string
	for _, t := range c.tables() {
		out = append(out, t.Reverse(addr)...)
	}
	return out
}

// serveDNS starts the server of the container whose init is pid (our
// child, not yet reaped: the pid is surely its).
func serveDNS(st *state.Container, pid int) (*dnsService, error) {
	target, err := netns.GetFromPid(pid)
	if err != nil {
		return nil, fmt.Errorf("open the container's network namespace: %w", err)
	}
	defer target.Close()
	d := &dnsService{}
	err = inNetns(target, func() error {
		var err error
		if d.udp, err = net.ListenPacket("udp4", dnsIP+":0"); err != nil {
			return err
		}
		if d.tcp, err = net.Listen("tcp4", dnsIP+":0"); err != nil {
			return err
		}
		return redirectDNS(d.udp.LocalAddr().(*net.UDPAddr).Port, d.tcp.Addr().(*net.TCPAddr).Port)
	})
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("start the container's DNS server on %s: %w", dnsIP, err)
	}
	nsFile, err := netns.GetFromPid(pid)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("open the container's network namespace: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = func() { cancel(); nsFile.Close() }
	srv := &dns.Server{
		Names:     newContainerNames(st),
		Upstreams: upstreams(st),
		Dial:      upstreamDialer(nsFile),
	}
	go srv.ServeUDP(ctx, d.udp)
	go srv.ServeTCP(ctx, d.tcp)
	return d, nil
}

// Close stops the server and closes its sockets: they hold the
// container's network namespace, which must go with its last process
// (and its veth with it).
func (d *dnsService) Close() {
	if d == nil {
		return
	}
	if d.cancel != nil {
		d.cancel()
	}
	if d.udp != nil {
		d.udp.Close()
	}
	if d.tcp != nil {
		d.tcp.Close()
	}
}

// upstreamDialer reaches the servers of the host's resolv.conf as docker
// does: a loopback one (systemd-resolved's 127.0.0.53) from the host,
// where it listens; any other from the container's namespace, the way
// the container's own traffic goes.
func upstreamDialer(ns netns.NsHandle) func(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if ap, err := netip.ParseAddrPort(address); err == nil && ap.Addr().IsLoopback() {
			return d.DialContext(ctx, network, address)
		}
		var conn net.Conn
		err := inNetns(ns, func() error {
			var err error
			// The socket is made here, on this thread, in the
			// container's namespace; it stays there when we leave.
			conn, err = d.DialContext(ctx, network, address)
			return err
		})
		return conn, err
	}
}

// inNetns runs fn on this thread in the network namespace ns, then comes
// back. A thread that cannot come back is not given back to the Go
// runtime: it ends with this goroutine.
func inNetns(ns netns.NsHandle, fn func() error) error {
	runtime.LockOSThread()
	ours, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer ours.Close()
	if err := netns.Set(ns); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	err = fn()
	if backErr := netns.Set(ours); backErr != nil {
		logrus.WithError(backErr).Warn("come back from the container's network namespace")
		return err
	}
	runtime.UnlockOSThread()
	return err
}

// upstreams are the servers that questions about other names go to:
// --dns, or the host's resolv.conf's (all of them: a loopback one is
// asked from the host), on port 53.
func upstreams(st *state.Container) []netip.AddrPort {
	servers := st.DNS.Servers
	if len(servers) == 0 {
		for _, path := range hostResolvConf {
			if data, err := os.ReadFile(path); err == nil {
				servers, _, _ = parseResolvConf(data)
				break
			}
		}
	}
	var out []netip.AddrPort
	for _, s := range servers {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			out = append(out, netip.AddrPortFrom(a, 53))
		}
	}
	return out
}

// redirectDNS sends the container's questions to 127.0.0.11:53 on to
// the server's ports, and its answers back from port 53, as docker's
// rules do. Called in the container's network namespace: iptables-restore
// is started from this thread, and so in it.
func redirectDNS(udpPort, tcpPort int) error {
	path, err := exec.LookPath("iptables-restore")
	if err != nil {
		return fmt.Errorf("iptables-restore: %w (install the iptables package)", err)
	}
	rules := fmt.Sprintf(`*nat
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A OUTPUT -d %[1]s/32 -p udp -m udp --dport 53 -j DNAT --to-destination %[1]s:%[2]d
-A OUTPUT -d %[1]s/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination %[1]s:%[3]d
-A POSTROUTING -s %[1]s/32 -p udp -m udp --sport %[2]d -j SNAT --to-source :53
-A POSTROUTING -s %[1]s/32 -p tcp -m tcp --sport %[3]d -j SNAT --to-source :53
COMMIT
`, dnsIP, udpPort, tcpPort)
	cmd := exec.Command(path, "--wait")
	cmd.Stdin = strings.NewReader(rules)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables-restore in the container's namespace: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
