package api

import (
	"encoding/json"
	"testing"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// TestPortMapIsDockers: inspect's Ports as docker writes them, which
// clients (testcontainers' MappedPort) read the host port from: a
// binding per host address, null for an exposed port not published.
func TestPortMapIsDockers(t *testing.T) {
	got, err := json.Marshal(portMap(map[string][]mdcontainer.PortBinding{
		"8080/tcp": {{HostIP: "0.0.0.0", HostPort: "32768"}},
		"53/udp":   {{HostIP: "127.0.0.1", HostPort: "5353"}},
		"9000/tcp": nil,
		"garbage":  {{HostIP: "0.0.0.0", HostPort: "1"}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"53/udp":[{"HostIp":"127.0.0.1","HostPort":"5353"}],"8080/tcp":[{"HostIp":"0.0.0.0","HostPort":"32768"}],"9000/tcp":null}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestExposedPortsOmittedWhenNone(t *testing.T) {
	st := &state.Container{}
	if exposedPorts(st) != nil {
		t.Errorf("no exposed ports should be omitted (nil)")
	}
	st.Config.ExposedPorts = map[string]struct{}{"80/tcp": {}}
	got, _ := json.Marshal(exposedPorts(st))
	if string(got) != `{"80/tcp":{}}` {
		t.Errorf("got %s", got)
	}
	// A container that does not run has no bindings, as docker's.
	if got := portSummaries(st); len(got) != 0 {
		t.Errorf("a stopped container's Ports: %v", got)
	}
}
