package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// create makes a container of a CreateRequest: the request becomes the
// arguments of "mydocker create" (createArgs), which Hooks.Create runs
// through the CLI's own checks. The image must be here: docker's create
// never pulls, its CLI pulls first (images/create) when told 404.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	req, err := decodeCreate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	// The name is checked by create's own rule (which, unlike docker's,
	// takes one character): the CLI and the API accept the same names.
	name := strings.TrimPrefix(r.URL.Query().Get("name"), "/")
	args, err := createArgs(req, name)
	if err != nil {
		writeError(w, err)
		return
	}
	st, err := s.createLocked(r, args)
	if err != nil {
		writeError(w, s.createError(err, name, req.Image))
		return
	}
	if err := s.connectMore(st, req); err != nil {
		_ = mdcontainer.Remove(s.store(), st, true, true)
		writeError(w, badRequest("%v", err))
		return
	}
	writeJSON(w, http.StatusCreated, container.CreateResponse{ID: st.ID, Warnings: []string{}})
}

// decodeCreate reads a create's body, and refuses the HostConfig fields
// that create does not map (refuseUnmapped), which need the body's keys
// as well as its values.
func decodeCreate(r *http.Request) (container.CreateRequest, error) {
	var req container.CreateRequest
	var raw struct{ HostConfig map[string]json.RawMessage }
	body, err := readBody(r)
	if err == nil {
		err = unmarshalBody(body, &req)
	}
	if err == nil {
		err = unmarshalBody(body, &raw)
	}
	if err == nil && req.HostConfig != nil {
		err = refuseUnmapped(req.HostConfig, raw.HostConfig)
	}
	return req, err
}

// createLocked runs the create hook alone, and lets go of the image's
// lease once the container is recorded: the record keeps the image now.
func (s *Server) createLocked(r *http.Request, args []string) (*state.Container, error) {
	s.createMu.Lock()
	defer s.createMu.Unlock()
	defer image.ReleaseLeases()
	return s.Hooks.Create(r.Context(), args)
}

// createError words a failed create as docker does, for the errors that
// clients match on: the name in use (409) and the missing image (404).
func (s *Server) createError(err error, name, img string) error {
	switch {
	case errors.Is(err, state.ErrNameInUse):
		id := "?"
		if other, ferr := (state.Store{Root: s.Root}).Find(name); ferr == nil {
			id = other.ID
		}
		return conflict(`Conflict. The container name "/%s" is already in use by container "%s". You have to remove (or rename) that container to be able to reuse that name.`, name, id)
	case strings.HasPrefix(err.Error(), "No such image: "):
		return notFound("%s", err.Error())
	}
	return badRequest("%s", err.Error())
}

// createArgs is the request as create's arguments. Each value goes as
// --flag=value, so none is read as a flag, and the image after "--".
// What this slice does not map yet is listed in final/README.md.
func createArgs(req container.CreateRequest, name string) ([]string, error) {
	cfg := req.Config
	if cfg == nil || cfg.Image == "" {
		return nil, badRequest("Config cannot be empty in order to create a container: no Image")
	}
	args := []string{"--pull=never"} // docker's create never pulls
	add := func(flag, value string) { args = append(args, "--"+flag+"="+value) }
	if name != "" {
		add("name", name)
	}
	if cfg.Tty {
		args = append(args, "--tty")
	}
	if cfg.OpenStdin {
		args = append(args, "--interactive")
	}
	for _, e := range cfg.Env {
		// K alone would be the server's own value of K (create's -e K):
		// a client's variable without a value is left out instead.
		if strings.Contains(e, "=") {
			add("env", e)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.Labels)) {
		add("label", k+"="+cfg.Labels[k])
	}
	for _, fv := range [][2]string{{"workdir", cfg.WorkingDir}, {"user", cfg.User}, {"hostname", cfg.Hostname}, {"stop-signal", cfg.StopSignal}} {
		if fv[1] != "" {
			add(fv[0], fv[1])
		}
	}
	if cfg.StopTimeout != nil {
		add("stop-timeout", strconv.Itoa(*cfg.StopTimeout))
	}
	healthArgs, err := healthArgs(cfg.Healthcheck)
	if err != nil {
		return nil, err
	}
	args = append(args, healthArgs...)
	hostArgs, err := hostConfigArgs(req.HostConfig)
	if err != nil {
		return nil, err
	}
	args = append(args, hostArgs...)
	for _, a := range primaryAliases(req, name) {
		add("network-alias", a)
	}
	// Entrypoint then Cmd is the command; create's --entrypoint takes
	// one word, so the rest of a longer Entrypoint goes before Cmd.
	var command []string
	if cfg.Entrypoint != nil {
		ep := ""
		if len(cfg.Entrypoint) > 0 {
			ep, command = cfg.Entrypoint[0], append(command, cfg.Entrypoint[1:]...)
		}
		add("entrypoint", ep)
	}
	command = append(command, cfg.Cmd...)
	args = append(args, "--", cfg.Image)
	return append(args, command...), nil
}

// hostConfigArgs maps the HostConfig fields this slice knows.
func hostConfigArgs(hc *container.HostConfig) ([]string, error) {
	if hc == nil {
		return nil, nil
	}
	var args []string
	add := func(flag, value string) { args = append(args, "--"+flag+"="+value) }
	if hc.AutoRemove {
		args = append(args, "--rm")
	}
	if hc.Init != nil && *hc.Init {
		args = append(args, "--init")
	}
	if m := string(hc.NetworkMode); m != "" && m != "default" {
		add("network", m)
	}
	if p := hc.RestartPolicy; p.Name != "" && p.Name != "no" {
		v := string(p.Name)
		if p.MaximumRetryCount > 0 {
			v += ":" + strconv.Itoa(p.MaximumRetryCount)
		}
		add("restart", v)
	}
	for _, b := range hc.Binds {
		add("volume", b)
	}
	mounts, err := mountArgs(hc)
	if err != nil {
		return nil, err
	}
	args = append(args, mounts...)
	process, err := processArgs(hc)
	if err != nil {
		return nil, err
	}
	args = append(args, process...)
	if hc.Memory < 0 || hc.NanoCPUs < 0 || hc.CPUShares < 0 {
		return nil, badRequest("invalid resources: Memory, NanoCpus and CpuShares cannot be negative")
	}
	if hc.Memory > 0 {
		add("memory", strconv.FormatInt(hc.Memory, 10))
	}
	if hc.NanoCPUs > 0 {
		add("cpus", strconv.FormatFloat(float64(hc.NanoCPUs)/1e9, 'f', -1, 64))
	}
	if hc.CPUShares > 0 {
		add("cpu-shares", strconv.FormatInt(hc.CPUShares, 10))
	}
	if hc.ReadonlyRootfs {
		args = append(args, "--read-only")
	}
	if hc.Privileged {
		args = append(args, "--privileged")
	}
	for _, c := range hc.CapAdd {
		add("cap-add", c)
	}
	for _, c := range hc.CapDrop {
		add("cap-drop", c)
	}
	for port, bindings := range hc.PortBindings {
		for _, b := range bindings {
			add("publish", publishSpec(b.HostIP, b.HostPort, port.String()))
		}
	}
	if hc.PublishAllPorts {
		args = append(args, "--publish-all")
	}
	return args, nil
}

// primaryAliases are the aliases that NetworkingConfig gives the
// container on the network it is made on (HostConfig.NetworkMode), but
// its own name, which its DNS answers already. A user network's alone:
// docker keeps none on its default bridge, and compose sends them there.
func primaryAliases(req container.CreateRequest, name string) []string {
	if req.HostConfig == nil || req.NetworkingConfig == nil {
		return nil
	}
	mode := string(req.HostConfig.NetworkMode)
	ep := req.NetworkingConfig.EndpointsConfig[mode]
	if ep == nil || mode == "" || mode == "default" || mode == network.DefaultName {
		return nil
	}
	var out []string
	for _, a := range ep.Aliases {
		if a != name {
			out = append(out, a)
		}
	}
	return out
}

// connectMore connects the container just made to the other networks of
// NetworkingConfig, as docker's API from 1.44 does at create.
func (s *Server) connectMore(st *state.Container, req container.CreateRequest) error {
	if req.NetworkingConfig == nil {
		return nil
	}
	mode := ""
	if req.HostConfig != nil {
		mode = string(req.HostConfig.NetworkMode)
	}
	for _, ref := range slices.Sorted(maps.Keys(req.NetworkingConfig.EndpointsConfig)) {
		name := s.networks().NameOf(ref)
		if ref == mode || name == mode || (mode == "" || mode == "default") && name == network.DefaultName {
			continue
		}
		var aliases []string
		if ep := req.NetworkingConfig.EndpointsConfig[ref]; ep != nil {
			aliases = ep.Aliases
		}
		if err := mdcontainer.Connect(s.store(), st, name, s.newAliases(st, name, aliases)); err != nil {
			return err
		}
	}
	return nil
}

// publishSpec is one PortBinding as -p's [IP:][HOSTPORT]:PORT/PROTO.
func publishSpec(ip netip.Addr, hostPort, port string) string {
	switch {
	case !ip.IsValid() && hostPort == "":
		return port
	case !ip.IsValid():
		return fmt.Sprintf("%s:%s", hostPort, port)
	}
	return fmt.Sprintf("%s:%s:%s", ip, hostPort, port)
}
