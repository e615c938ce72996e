package api

import (
	"net/netip"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// summaryOf is a container as docker ps's request lists it.
func summaryOf(st *state.Container) container.Summary {
	c := container.Summary{
		ID: st.ID, Names: []string{"/" + st.Name},
		Image: st.Image, ImageID: st.ImageID,
		Command: strings.Join(st.Command, " "),
		Created: st.Created.Unix(),
		Ports:   portSummaries(st),
		Labels:  labelsOf(st),
		State:   container.ContainerState(st.DockerState()),
		Status:  st.DockerStatus(time.Now()),
		Mounts:  mountPointsOf(st),
		NetworkSettings: &container.NetworkSettingsSummary{
			Networks: networksOf(st),
		},
		Health: healthSummaryOf(st),
	}
	c.HostConfig.NetworkMode = networkMode(st)
	return c
}

// inspectOf is a container as docker inspect's request shows it: the
// fields that mydocker's records hold.
func inspectOf(st *state.Container) container.InspectResponse {
	var path string
	var args []string
	if len(st.Command) > 0 {
		path, args = st.Command[0], st.Command[1:]
	}
	exitCode := 0
	if st.ExitCode != nil {
		exitCode = *st.ExitCode
	}
	running := st.Running()
	pid := 0
	if running {
		pid = st.Init.PID
	}
	return container.InspectResponse{
		ID: st.ID, Created: st.Created.UTC().Format(time.RFC3339Nano),
		Path: path, Args: nonNil(args),
		State: &container.State{
			Status: container.ContainerState(st.DockerState()), Running: running,
			Paused: st.Paused(), Restarting: st.Restarting(), OOMKilled: st.OOMKilled,
			Pid: pid, ExitCode: exitCode,
			StartedAt: dockerTime(st.StartedAt), FinishedAt: dockerTime(st.FinishedAt),
			Health: healthOf(st),
		},
		Image: st.ImageID, Name: "/" + st.Name, RestartCount: st.Restarts,
		LogPath: st.LogPath(), HostnamePath: st.EtcPath("hostname"),
		HostsPath: st.EtcPath("hosts"), ResolvConfPath: st.EtcPath("resolv.conf"),
		Driver: "overlay2", Platform: "linux",
		HostConfig: &container.HostConfig{
			NetworkMode: container.NetworkMode(networkMode(st)), AutoRemove: st.AutoRemove,
			RestartPolicy: container.RestartPolicy{
				Name:              restartName(st.Restart.Name),
				MaximumRetryCount: st.Restart.MaxRetries,
			},
			LogConfig:      container.LogConfig{Type: "json-file", Config: map[string]string{}},
			ReadonlyRootfs: st.ReadOnly, Privileged: st.Security.Privileged,
			PortBindings: portMap(mdcontainer.PortBindings(st)), PublishAllPorts: st.PublishAll,
		},
		Mounts: mountPointsOf(st),
		Config: &container.Config{
			Hostname: st.HostnameOrID(), User: st.Config.User,
			Tty: st.TTY, OpenStdin: st.OpenStdin, AttachStdout: true, AttachStderr: true,
			Env: nonNil(st.Env), Cmd: st.Config.Cmd, Entrypoint: st.Config.Entrypoint,
			Image: st.Image, WorkingDir: st.Config.WorkingDir, Labels: labelsOf(st),
			StopSignal: st.Config.StopSignal, StopTimeout: st.Config.StopTimeout,
			Healthcheck: healthConfigOf(st), ExposedPorts: exposedPorts(st),
		},
		NetworkSettings: &container.NetworkSettings{
			Networks: networksOf(st), Ports: portMap(mdcontainer.NetworkPorts(st)),
		},
	}
}

// networkMode is the network the container was made to join, as docker
// names it: bridge, host, none, container:ID or a network's name.
func networkMode(st *state.Container) string {
	switch {
	case st.HostNetwork:
		return "host"
	case st.NetworkContainer != "":
		return "container:" + st.NetworkContainer
	case st.Endpoint != nil:
		return st.Endpoint.Network
	}
	// Not started yet, or stopped: the options it starts from say.
	if opts, err := mdcontainer.LoadRunOptions(st); err == nil && opts.Network != "" {
		return opts.Network
	}
	return "none"
}

// networksOf is the container's places on its networks, by name.
func networksOf(st *state.Container) map[string]*network.EndpointSettings {
	nets := map[string]*network.EndpointSettings{}
	for _, ep := range st.Endpoints() {
		nets[ep.Network] = endpointOf(st, ep)
	}
	return nets
}

func labelsOf(st *state.Container) map[string]string {
	if st.Config.Labels == nil {
		return map[string]string{}
	}
	return st.Config.Labels
}

// restartName is docker's name of a restart policy: "no" for none.
func restartName(name string) container.RestartPolicyMode {
	if name == "" {
		return container.RestartPolicyDisabled
	}
	return container.RestartPolicyMode(name)
}

// dockerTime is a time as docker's inspect writes it; never is the zero
// time, 0001-01-01T00:00:00Z.
func dockerTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// parseAddr reads an endpoint's address, with or without its prefix length.
func parseAddr(s string) (netip.Addr, error) {
	s, _, _ = strings.Cut(s, "/")
	return netip.ParseAddr(s)
}
