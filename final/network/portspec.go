package network

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/docker/go-connections/nat"
)

// Port is one published port. In a run's options it is what -p asked
// for: a host port, a range of them to choose one from (Host to HostEnd),
// or none (Host 0: a free one of the ephemeral range). In an Endpoint it
// is what the container got: Host is the host port it holds.
type Port struct {
	// HostIP is the host address it is published on: "" for all of them
	// (docker's 0.0.0.0, which a run's options keep as asked), or one
	// address, where alone the port is bound and the DNAT matches.
	HostIP    string `json:"hostIp,omitempty"`
	Host      int    `json:"host"`
	HostEnd   int    `json:"hostEnd,omitempty"`
	Container int    `json:"container"`
	Proto     string `json:"proto"` // tcp or udp
}

func (p Port) String() string {
	return fmt.Sprintf("%s:%d/%s", net.JoinHostPort(p.shownIP(), p.hostPorts()), p.Container, p.Proto)
}

// shownIP is the host address as docker shows a binding's: 0.0.0.0 for
// all of them.
func (p Port) shownIP() string {
	if p.HostIP == "" {
		return "0.0.0.0"
	}
	return p.HostIP
}

// hostPorts is the host side as -p wrote it: "", 8080 or 8000-8010.
func (p Port) hostPorts() string {
	switch {
	case p.Host == 0:
		return ""
	case p.HostEnd > p.Host:
		return fmt.Sprintf("%d-%d", p.Host, p.HostEnd)
	}
	return strconv.Itoa(p.Host)
}

// Key is the container's side as docker names it: 80/tcp.
func (p Port) Key() string { return fmt.Sprintf("%d/%s", p.Container, p.Proto) }

// ParsePublish reads one -p in docker's syntax,
// [IP:][HOSTPORT|HOSTRANGE:]CONTAINERPORT[-CONTAINERPORT][/tcp|/udp], with
// docker's own parser (go-connections/nat, what the docker CLI uses), so
// that a spec means here what it means there: 8000-8010:8000-8010 maps
// each port to its own, 8000-8010:80 takes one free port of the range, 80
// and 127.0.0.1::80 a free one of the ephemeral range. What nat accepts
// and we cannot do is refused here: sctp, IPv6 addresses (we have no
// ip6tables rules), port 0 inside.
func ParsePublish(spec string) ([]Port, error) {
	mappings, err := nat.ParsePortSpec(spec)
	if err != nil {
		return nil, err
	}
	var ports []Port
	for _, m := range mappings {
		p, err := fromMapping(spec, m)
		if err != nil {
			return nil, err
		}
		ports = append(ports, p)
	}
	return ports, nil
}

func fromMapping(spec string, m nat.PortMapping) (Port, error) {
	p := Port{Proto: m.Port.Proto(), Container: m.Port.Int()}
	if p.Proto != "tcp" && p.Proto != "udp" {
		return p, fmt.Errorf("invalid port mapping %q: %s is not supported, only tcp and udp", spec, p.Proto)
	}
	if p.Container == 0 {
		return p, fmt.Errorf("invalid containerPort: %s", m.Port.Port())
	}
	if ip := m.Binding.HostIP; ip != "" {
		parsed := net.ParseIP(ip)
		if parsed.To4() == nil {
			return p, fmt.Errorf("invalid port mapping %q: IPv6 host addresses are not supported", spec)
		}
		// 0.0.0.0 is kept as asked (inspect's PortBindings shows it);
		// it binds as no address does (allocatePorts).
		p.HostIP = parsed.To4().String()
	}
	if m.Binding.HostPort != "" {
		start, end, err := nat.ParsePortRangeToInt(m.Binding.HostPort)
		if err != nil {
			return p, fmt.Errorf("invalid hostPort: %s", m.Binding.HostPort)
		}
		p.Host = start
		if end > start {
			p.HostEnd = end
		}
		if start == 0 && end > 0 {
			return p, fmt.Errorf("invalid hostPort: %s", m.Binding.HostPort)
		}
	}
	return p, nil
}

// ParseExpose reads one --expose: PORT[/PROTO] or a range,
// START-END[/PROTO], as docker's run does, into ports such as 80/tcp.
func ParseExpose(spec string) ([]string, error) {
	if strings.Contains(spec, ":") {
		return nil, fmt.Errorf("invalid port format for --expose: %s", spec)
	}
	proto, port := nat.SplitProtoPort(spec)
	start, end, err := nat.ParsePortRangeToInt(port)
	if err != nil {
		return nil, fmt.Errorf("invalid range format for --expose: %s, error: %s", spec, err)
	}
	proto = strings.ToLower(proto)
	if proto != "tcp" && proto != "udp" {
		return nil, fmt.Errorf("invalid --expose %q: %s is not supported, only tcp and udp", spec, proto)
	}
	if start == 0 {
		return nil, fmt.Errorf("invalid range format for --expose: %s, error: port 0", spec)
	}
	var keys []string
	for i := start; i <= end; i++ {
		keys = append(keys, fmt.Sprintf("%d/%s", i, proto))
	}
	return keys, nil
}

// ExposedKey reads a port of an image's ExposedPorts ("80/tcp", or "80",
// tcp then) into its key, 80/tcp, and the port; ok is false for what is
// no port of ours (sctp, a range, garbage), which is left unpublished.
func ExposedKey(s string) (key string, port int, proto string, ok bool) {
	proto, portStr := nat.SplitProtoPort(s)
	n, err := strconv.Atoi(portStr)
	proto = strings.ToLower(proto)
	if err != nil || n < 1 || n > 65535 || (proto != "tcp" && proto != "udp") {
		return "", 0, "", false
	}
	return fmt.Sprintf("%d/%s", n, proto), n, proto, true
}

// PublishAll adds to ports, as -P does, a free host port for each
// exposed port (ExposedKey's form) that ports does not publish yet.
func PublishAll(ports []Port, exposed []string) []Port {
	published := map[string]bool{}
	for _, p := range ports {
		published[p.Key()] = true
	}
	out := append([]Port{}, ports...)
	for _, e := range exposed {
		key, n, proto, ok := ExposedKey(e)
		if !ok || published[key] {
			continue
		}
		published[key] = true
		out = append(out, Port{Container: n, Proto: proto})
	}
	return out
}
