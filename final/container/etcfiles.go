package container

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
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
	if err := writeInPlace(st.EtcPath("resolv.conf"), resolvConf(st.HostNetwork)); err != nil {
		return err
	}
	if st.HostNetwork {
		hosts, err := os.ReadFile("/etc/hosts")
		if err != nil {
			hosts = hostsFile(st, nil)
		}
		return writeInPlace(st.EtcPath("hosts"), hosts)
	}
	if err := writeInPlace(st.EtcPath("hosts"), hostsFile(st, nil)); err != nil {
		return err
	}
	if st.Endpoint != nil {
		return updatePeers(store, st.Endpoint.Network, "")
	}
	return nil
}

// updatePeers rewrites /etc/hosts of every live container on the network
// name (but leaving, which is going), each listing all the others. The
// lock makes the rewrites of two containers that join at once follow one
// another, each from the list as it is then.
func updatePeers(store state.Store, name, leaving string) error {
	if name == network.DefaultName {
		return nil // docker's default bridge resolves no names either
	}
	lock, err := network.Store{Root: store.Root}.Lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	states, err := store.List()
	if err != nil {
		return err
	}
	var peers []*state.Container
	for _, s := range states {
		if s.ID != leaving && s.Endpoint != nil && s.Endpoint.Network == name && s.Init.Alive() {
			peers = append(peers, s)
		}
	}
	for _, s := range peers {
		if err := writeInPlace(s.EtcPath("hosts"), hostsFile(s, peers)); err != nil {
			return fmt.Errorf("update /etc/hosts of %s: %w", s.Name, err)
		}
	}
	return nil
}

// hostsFile is a container's /etc/hosts: localhost, its own name on its
// address, and each peer's name (and host name, when it has its own).
func hostsFile(st *state.Container, peers []*state.Container) []byte {
	var b bytes.Buffer
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
		"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")
	if st.Endpoint != nil {
		fmt.Fprintf(&b, "%s\t%s\n", st.Endpoint.IP, st.HostnameOrID())
	}
	for _, p := range peers {
		if p.ID == st.ID {
			continue
		}
		names := p.Name
		if h := p.HostnameOrID(); h != p.Name {
			names += " " + h
		}
		fmt.Fprintf(&b, "%s\t%s\n", p.Endpoint.IP, names)
	}
	return b.Bytes()
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
