package api

import (
	"net/netip"

	"github.com/moby/moby/api/types/network"

	mdnetwork "github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// endpointOf is the container's place on one of its networks, as the
// list's and inspect's NetworkSettings.Networks give it: compose compares
// NetworkID with its networks' IDs, and recreates a container that seems
// not to be on them.
func endpointOf(st *state.Container, ep *mdnetwork.Endpoint) *network.EndpointSettings {
	es := &network.EndpointSettings{Aliases: ep.Aliases, EndpointID: st.ID}
	if ip, err := parseAddr(ep.IP); err == nil {
		es.IPAddress = ip
	}
	if p, err := netip.ParsePrefix(ep.IP); err == nil {
		es.IPPrefixLen = p.Bits()
	}
	n, err := (mdnetwork.Store{Root: st.Root()}).Get(ep.Network)
	if err != nil {
		return es
	}
	es.NetworkID = n.NetworkID()
	if gw, err := netip.ParseAddr(n.Gateway); err == nil {
		es.Gateway = gw
	}
	if es.IPPrefixLen == 0 {
		if p, err := netip.ParsePrefix(n.Subnet); err == nil {
			es.IPPrefixLen = p.Bits()
		}
	}
	return es
}
