package api

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/network"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	mdnetwork "github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// networkRoutes: docker network ls, inspect, create, rm, connect,
// disconnect and prune, through the library the CLI's network commands
// use (container.Networks, container.Connect, container.PruneNetworks).
func (s *Server) networkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /networks", s.listNetworks)
	mux.HandleFunc("GET /networks/{$}", s.listNetworks)
	mux.HandleFunc("GET /networks/{id}", s.inspectNetwork)
	mux.HandleFunc("POST /networks/create", s.createNetwork)
	mux.HandleFunc("DELETE /networks/{id}", s.removeNetwork)
	mux.HandleFunc("POST /networks/{id}/connect", s.connectNetwork)
	mux.HandleFunc("POST /networks/{id}/disconnect", s.disconnectNetwork)
	mux.HandleFunc("POST /networks/prune", s.pruneNetworks)
}

func (s *Server) networks() mdnetwork.Store { return mdcontainer.Networks(s.store()) }

// findNetwork is the network that {id} names (its name, ID or an ID's
// prefix): one of ours, or host or none; docker's 404 else.
func (s *Server) findNetwork(r *http.Request) (*mdnetwork.Network, error) {
	ref := r.PathValue("id")
	name := s.networks().NameOf(ref)
	if n := mdnetwork.PredefinedNamed(name); n != nil {
		return n, nil
	}
	n, err := s.networks().Get(name)
	if errors.Is(err, mdnetwork.ErrNotFound) {
		return nil, notFound("network %s not found", ref)
	}
	return n, err
}

// listNetworks is docker network ls's request: every network, with the
// name, id, driver and type filters.
func (s *Server) listNetworks(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	nets := s.networks()
	if err := nets.Collect(); err != nil {
		writeError(w, err)
		return
	}
	// docker always has its default network, and clients pick it from
	// this list (testcontainers makes a network of its own, which nothing
	// removes, when "bridge" is not listed): made here, as a run would.
	if _, err := nets.Default(); err != nil {
		writeError(w, err)
		return
	}
	list, err := nets.List()
	if err != nil {
		writeError(w, err)
		return
	}
	list = append(list, mdnetwork.Predefined()...)
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	out := []network.Inspect{}
	for _, n := range list {
		if networkMatches(n, f) {
			out = append(out, networkInspect(n, states))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// networkMatches is network ls's filters: a name it contains, an ID's
// prefix, the driver, builtin or custom, its labels (all of them).
func networkMatches(n *mdnetwork.Network, f filters) bool {
	kind := "custom"
	if builtinNetwork(n.Name) {
		kind = "builtin"
	}
	return anyOf(f["name"], func(v string) bool { return strings.Contains(n.Name, v) }) &&
		anyOf(f["id"], func(v string) bool { return strings.HasPrefix(n.NetworkID(), v) }) &&
		anyOf(f["driver"], func(v string) bool { return v == n.Driver }) &&
		anyOf(f["type"], func(v string) bool { return v == kind }) &&
		allLabels(f["label"], n.Labels)
}

// builtinNetwork: docker's own bridge, host and none.
func builtinNetwork(name string) bool {
	return name == mdnetwork.DefaultName || mdnetwork.IsPredefined(name)
}

func (s *Server) inspectNetwork(w http.ResponseWriter, r *http.Request) {
	n, err := s.findNetwork(r)
	if err != nil {
		writeError(w, err)
		return
	}
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, networkInspect(n, states))
}

// networkInspect is n as docker shows it, with the running containers on
// it (on host or none: those that --network put there, with no address).
func networkInspect(n *mdnetwork.Network, states []*state.Container) network.Inspect {
	in := network.Inspect{
		Network: network.Network{
			Name: n.Name, ID: n.NetworkID(), Scope: "local", Driver: n.Driver, EnableIPv4: true,
			IPAM:    network.IPAM{Driver: "default", Options: map[string]string{}, Config: []network.IPAMConfig{}},
			Options: map[string]string{}, Labels: map[string]string{},
		},
		Containers: map[string]network.EndpointResource{},
	}
	for k, v := range n.Labels {
		in.Labels[k] = v
	}
	prefix, err := netip.ParsePrefix(n.Subnet)
	if err == nil {
		gw, _ := netip.ParseAddr(n.Gateway)
		in.IPAM.Config = append(in.IPAM.Config, network.IPAMConfig{Subnet: prefix, Gateway: gw})
		in.Options["com.docker.network.bridge.name"] = n.Bridge
	}
	for _, st := range states {
		if !st.Running() {
			continue
		}
		if mdnetwork.IsPredefined(n.Name) {
			if networkMode(st) == n.Name {
				in.Containers[st.ID] = network.EndpointResource{Name: st.Name}
			}
			continue
		}
		ep := st.EndpointOn(n.Name)
		if ep == nil {
			continue
		}
		res := network.EndpointResource{Name: st.Name, EndpointID: st.ID}
		if ip, err := netip.ParseAddr(ep.IP); err == nil && prefix.IsValid() {
			res.IPv4Address = netip.PrefixFrom(ip, prefix.Bits())
		}
		if mac, err := net.ParseMAC(mdnetwork.MACOf(ep.IP)); err == nil {
			res.MacAddress = network.HardwareAddr(mac)
		}
		in.Containers[st.ID] = res
	}
	return in
}

// createNetwork is docker network create: a bridge on the subnet asked
// (IPAM's first config), else on a free /16, as the CLI's. A name in use
// is 409, docker's words.
func (s *Server) createNetwork(w http.ResponseWriter, r *http.Request) {
	var req network.CreateRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Name == "" {
		writeError(w, badRequest("network name is required"))
		return
	}
	if err := unsupportedNetwork(req); err != nil {
		writeError(w, err)
		return
	}
	nets := s.networks()
	if _, err := nets.Get(req.Name); err == nil || mdnetwork.IsPredefined(req.Name) {
		writeError(w, conflict("network with name %s already exists", req.Name))
		return
	}
	driver := req.Driver
	if driver == "" {
		driver = "bridge"
	}
	subnet := ""
	if req.IPAM != nil && len(req.IPAM.Config) > 0 && req.IPAM.Config[0].Subnet.IsValid() {
		subnet = req.IPAM.Config[0].Subnet.String()
	}
	var n *mdnetwork.Network
	var err error
	if subnet == "" && driver == "bridge" {
		n, err = nets.CreateLabeledOnFreeSubnet(req.Name, req.Labels)
	} else {
		n, err = nets.CreateLabeled(req.Name, driver, subnet, req.Labels)
	}
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	writeJSON(w, http.StatusCreated, network.CreateResponse{ID: n.NetworkID(), Warning: ""})
}

// unsupportedNetwork refuses, with a 400, what a request asks that
// mydocker's bridges do not do, rather than make a network without it.
func unsupportedNetwork(req network.CreateRequest) error {
	switch {
	case req.Internal:
		return badRequest("internal networks are not supported by mydocker")
	case req.EnableIPv6 != nil && *req.EnableIPv6:
		return badRequest("IPv6 networks are not supported by mydocker")
	case req.EnableIPv4 != nil && !*req.EnableIPv4:
		return badRequest("networks without IPv4 are not supported by mydocker")
	case req.Ingress || req.ConfigOnly || req.ConfigFrom != nil:
		return badRequest("swarm networks (ingress, config-only) are not supported by mydocker")
	case req.Scope != "" && req.Scope != "local":
		return badRequest("network scope %q is not supported by mydocker: local alone", req.Scope)
	}
	return nil
}

// removeNetwork is docker network rm: 204; 403 for docker's own networks
// and for one that containers are on, as docker's.
func (s *Server) removeNetwork(w http.ResponseWriter, r *http.Request) {
	n, err := s.findNetwork(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if builtinNetwork(n.Name) {
		writeError(w, &statusError{http.StatusForbidden, n.Name + " is a pre-defined network and cannot be removed"})
		return
	}
	if err := s.networks().Remove(n.Name); err != nil {
		if errors.Is(err, mdnetwork.ErrInUse) {
			err = &statusError{http.StatusForbidden, "error while removing network: network " + n.Name + " id " + n.NetworkID() + " has active endpoints"}
		}
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// connectNetwork is docker network connect, with the endpoint's aliases
// (compose's per-service DNS names).
func (s *Server) connectNetwork(w http.ResponseWriter, r *http.Request) {
	var req network.ConnectRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	var aliases []string
	if req.EndpointConfig != nil {
		aliases = req.EndpointConfig.Aliases
	}
	s.onNetwork(w, r, req.Container, func(st *state.Container, name string) error {
		return mdcontainer.Connect(s.store(), st, name, s.newAliases(st, name, aliases))
	})
}

// newAliases leaves out of aliases the container's name and short ID,
// which compose and docker's CLI add and its DNS answers already.
func (s *Server) newAliases(st *state.Container, network string, aliases []string) []string {
	if network == mdnetwork.DefaultName {
		return nil // docker keeps none there either
	}
	var out []string
	for _, a := range aliases {
		if a != st.Name && a != st.ShortID() {
			out = append(out, a)
		}
	}
	return out
}

func (s *Server) disconnectNetwork(w http.ResponseWriter, r *http.Request) {
	var req network.DisconnectRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	s.onNetwork(w, r, req.Container, func(st *state.Container, name string) error {
		return mdcontainer.Disconnect(s.store(), st, name)
	})
}

// onNetwork does do to the container ref and the network {id}: 200, or
// the error (a 404 for either that is not there).
func (s *Server) onNetwork(w http.ResponseWriter, r *http.Request, ref string, do func(*state.Container, string) error) {
	n, err := s.findNetwork(r)
	if err != nil {
		writeError(w, err)
		return
	}
	st, err := mdcontainer.FindReconciled(s.store(), ref)
	if err != nil {
		if statusOf(err) == http.StatusNotFound {
			err = notFound("No such container: %s", ref)
		}
		writeError(w, err)
		return
	}
	if err := do(st, n.Name); err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// pruneNetworks is docker network prune: the user's networks that no
// container is on.
func (s *Server) pruneNetworks(w http.ResponseWriter, r *http.Request) {
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	p, err := mdcontainer.PruneNetworks(s.store(), states)
	if err != nil {
		writeError(w, err)
		return
	}
	logPruneErrors(r, p)
	writeJSON(w, http.StatusOK, network.PruneReport{NetworksDeleted: nonNil(p.Removed)})
}

// logPruneErrors logs what a prune could not remove: docker's daemon
// logs them too, and answers with what it did remove.
func logPruneErrors(r *http.Request, p mdcontainer.Pruned) {
	for _, err := range p.Errs {
		logEntry(r).WithError(err).Warn("prune")
	}
}
