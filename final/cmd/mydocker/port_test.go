package main

import (
	"os"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

func TestNaturalLessSortsPortsAsNumbers(t *testing.T) {
	lines := []string{"8080/udp -> 0.0.0.0:1", "443/tcp -> 0.0.0.0:2", "80/tcp -> 0.0.0.0:3", "81/tcp -> 0.0.0.0:4"}
	sort.Slice(lines, func(i, j int) bool { return naturalLess(lines[i], lines[j]) })
	assert.Equal(t, []string{"80/tcp -> 0.0.0.0:3", "81/tcp -> 0.0.0.0:4", "443/tcp -> 0.0.0.0:2", "8080/udp -> 0.0.0.0:1"}, lines)
}

func TestPortsColumnIsDockers(t *testing.T) {
	me, err := state.ProcessOf(os.Getpid()) // a live init
	require.NoError(t, err)
	st := &state.Container{Status: state.Running, Init: me}
	st.Config.ExposedPorts = map[string]struct{}{"80/tcp": {}, "9000/tcp": {}, "9001/tcp": {}}
	st.Endpoint = &network.Endpoint{Ports: []network.Port{
		{Host: 8080, Container: 80, Proto: "tcp"},
		{HostIP: "127.0.0.1", Host: 32768, Container: 53, Proto: "udp"},
		{Host: 8000, Container: 8000, Proto: "tcp"},
		{Host: 8001, Container: 8001, Proto: "tcp"},
		{Host: 8002, Container: 8002, Proto: "tcp"},
	}}
	assert.Equal(t, "0.0.0.0:8000-8002->8000-8002/tcp, 9000-9001/tcp, 127.0.0.1:32768->53/udp, 0.0.0.0:8080->80/tcp", portsColumn(st))
	st.Status = state.Exited
	assert.Equal(t, "", portsColumn(st))
}

func TestStandardNotationIsDockerCLIs(t *testing.T) {
	for long, short := range map[string]string{
		"published=8080,target=80":              "8080:80/tcp",
		"target=53,published=5353,protocol=udp": "5353:53/udp",
		"target=80":                             ":80/tcp",
		"mode=host,target=80,published=8080":    "8080:80/tcp",
		"127.0.0.1:8080:80":                     "127.0.0.1:8080:80",
	} {
		got, err := standardNotation(long)
		require.NoError(t, err, long)
		assert.Equal(t, short, got, long)
	}
	_, err := standardNotation("target=80,published")
	assert.ErrorContains(t, err, "invalid publish opts format (should be name=value but got 'published')")
}
