package api

import (
	"net/netip"
	"sort"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// portMap is the CLI's inspect ports (mdcontainer.NetworkPorts or
// PortBindings) in the Engine API's type; a key that does not read as a
// port is left out. Clients find a published port's host side here
// (testcontainers' MappedPort reads NetworkSettings.Ports).
func portMap(ports map[string][]mdcontainer.PortBinding) network.PortMap {
	out := network.PortMap{}
	for key, bindings := range ports {
		p, err := network.ParsePort(key)
		if err != nil {
			continue
		}
		var list []network.PortBinding // nil: exposed, not published
		for _, b := range bindings {
			ip, _ := netip.ParseAddr(b.HostIP) // "" (asked for none) stays the zero address
			list = append(list, network.PortBinding{HostIP: ip, HostPort: b.HostPort})
		}
		out[p] = list
	}
	return out
}

// exposedPorts is Config.ExposedPorts: the image's, --expose's and -p's.
func exposedPorts(st *state.Container) network.PortSet {
	if len(st.Config.ExposedPorts) == 0 {
		return nil // omitted, as docker's
	}
	set := network.PortSet{}
	for key := range st.Config.ExposedPorts {
		if p, err := network.ParsePort(key); err == nil {
			set[p] = struct{}{}
		}
	}
	return set
}

// portSummaries are the list's Ports: one per binding of a running
// container, and one without a public port for each exposed port that
// is not published, in docker's order (by port, then address).
func portSummaries(st *state.Container) []container.PortSummary {
	out := []container.PortSummary{}
	for key, bindings := range mdcontainer.NetworkPorts(st) {
		p, err := network.ParsePort(key)
		if err != nil {
			continue
		}
		typ := string(p.Proto())
		if len(bindings) == 0 {
			out = append(out, container.PortSummary{PrivatePort: p.Num(), Type: typ})
		}
		for _, b := range bindings {
			ip, _ := netip.ParseAddr(b.HostIP)
			public, _ := strconv.ParseUint(b.HostPort, 10, 16)
			out = append(out, container.PortSummary{IP: ip, PrivatePort: p.Num(), PublicPort: uint16(public), Type: typ})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.PrivatePort != b.PrivatePort {
			return a.PrivatePort < b.PrivatePort
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.IP.Less(b.IP)
	})
	return out
}
