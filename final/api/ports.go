package api

import (
	"maps"
	"net/netip"
	"slices"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/mydocker/mydocker/final/state"
)

// portsOf is the list's Ports: while the container runs, each published
// port with its host address and port, and each exposed one that is not
// published alone, as docker's (compose ps's PORTS column reads them).
// docker gives a port published on all addresses twice, 0.0.0.0 and ::;
// mydocker publishes on IPv4 only.
func portsOf(st *state.Container) []container.PortSummary {
	out := []container.PortSummary{}
	if st.Endpoint == nil || !st.Running() {
		return out
	}
	published := map[string]bool{}
	for _, p := range st.Endpoint.Ports {
		published[p.Key()] = true
		out = append(out, container.PortSummary{IP: hostAddr(p.HostIP), PrivatePort: uint16(p.Container),
			PublicPort: uint16(p.Host), Type: p.Proto})
	}
	for _, key := range slices.Sorted(maps.Keys(st.Config.ExposedPorts)) {
		if port, err := network.ParsePort(key); err == nil && !published[key] {
			out = append(out, container.PortSummary{PrivatePort: port.Num(), Type: string(port.Proto())})
		}
	}
	return out
}

// portMapOf is inspect's NetworkSettings.Ports: the exposed ports, with
// the bindings of those published (none: null), while it runs.
func portMapOf(st *state.Container) network.PortMap {
	ports := network.PortMap{}
	if st.Endpoint == nil || !st.Running() {
		return ports
	}
	for key := range st.Config.ExposedPorts {
		if port, err := network.ParsePort(key); err == nil {
			ports[port] = nil
		}
	}
	for _, p := range st.Endpoint.Ports {
		port, err := network.ParsePort(p.Key())
		if err != nil {
			continue
		}
		ports[port] = append(ports[port], network.PortBinding{HostIP: hostAddr(p.HostIP), HostPort: strconv.Itoa(p.Host)})
	}
	return ports
}

// hostAddr is a published port's host address: 0.0.0.0 for all.
func hostAddr(ip string) netip.Addr {
	if a, err := netip.ParseAddr(ip); err == nil {
		return a
	}
	return netip.IPv4Unspecified()
}
