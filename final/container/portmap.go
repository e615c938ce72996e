package container

import (
	"strconv"

	"github.com/mydocker/mydocker/final/state"
)

// PortBinding is one host binding of a container's port as docker's
// inspect shows it; the CLI's inspect writes it as is, the API converts
// it to the Engine API's type.
type PortBinding struct {
	HostIP   string `json:"HostIp"`
	HostPort string `json:"HostPort"`
}

// NetworkPorts is inspect's NetworkSettings.Ports: while the container
// runs, each exposed port (80/tcp) with the host bindings it got, none
// (null) for one that is not published; nothing when it does not run,
// as docker's.
func NetworkPorts(st *state.Container) map[string][]PortBinding {
	ports := map[string][]PortBinding{}
	if st.Endpoint == nil || !st.Running() {
		return ports
	}
	for key := range st.Config.ExposedPorts {
		ports[key] = nil
	}
	for _, p := range st.Endpoint.Ports {
		ports[p.Key()] = append(ports[p.Key()], binding(p.HostIP, "0.0.0.0", strconv.Itoa(p.Host)))
	}
	return ports
}

// PortBindings is inspect's HostConfig.PortBindings: the ports as -p
// asked for them ("" for an address or a port not given).
func PortBindings(st *state.Container) map[string][]PortBinding {
	asked := st.PortBindings
	if asked == nil && !st.PublishAll && st.Endpoint != nil {
		// A container made before they were kept: what it got was
		// asked for (-P's ports are not in PortBindings).
		asked = st.Endpoint.Ports
	}
	ports := map[string][]PortBinding{}
	for _, p := range asked {
		host := ""
		if p.Host != 0 {
			host = strconv.Itoa(p.Host)
			if p.HostEnd > p.Host {
				host += "-" + strconv.Itoa(p.HostEnd)
			}
		}
		ports[p.Key()] = append(ports[p.Key()], binding(p.HostIP, "", host))
	}
	return ports
}

// binding is one PortBinding, all the host's addresses ("") written as all.
func binding(ip, all, port string) PortBinding {
	if ip == "" {
		ip = all
	}
	return PortBinding{HostIP: ip, HostPort: port}
}
