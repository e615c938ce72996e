package network

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBridgeNameFitsIFNAMSIZ(t *testing.T) {
	for _, name := range []string{"a", "testbridge", "a-network-name-far-longer-than-fifteen-bytes"} {
		br := bridgeName("/var/lib/mydocker", name)
		assert.LessOrEqual(t, len(br), 15, name)
		assert.Regexp(t, `^md-[0-9a-f]{8}$`, br)
	}
	assert.NotEqual(t, bridgeName("/r", "one"), bridgeName("/r", "two"))
	assert.NotEqual(t, bridgeName("/r1", "one"), bridgeName("/r2", "one"), "two roots, one name: two bridges")
}

func TestParseSubnet(t *testing.T) {
	ipnet, err := parseSubnet("10.10.0.7/24")
	require.NoError(t, err)
	assert.Equal(t, "10.10.0.0/24", ipnet.String(), "made canonical")
	for _, bad := range []string{"", "10.0.0.0", "10.0.0.0/7", "10.0.0.0/31", "10.0.0.0/32", "fd00::/64", "x/24"} {
		_, err := parseSubnet(bad)
		assert.Error(t, err, bad)
	}
}

func TestParsePort(t *testing.T) {
	p, err := ParsePort("8080:80")
	require.NoError(t, err)
	assert.Equal(t, Port{Host: 8080, Container: 80, Proto: "tcp"}, p)
	p, err = ParsePort("53:5353/udp")
	require.NoError(t, err)
	assert.Equal(t, Port{Host: 53, Container: 5353, Proto: "udp"}, p)
	for _, bad := range []string{"80", "a:b", "70000:80", "0:80", "80:80/sctp", ":80", "80:"} {
		_, err := ParsePort(bad)
		assert.ErrorContains(t, err, "invalid port mapping", bad)
	}
}

func TestHostPortsAreTakenOnce(t *testing.T) {
	s := Store{Root: t.TempDir()}
	ports := []Port{{Host: 8080, Container: 80, Proto: "tcp"}}
	require.NoError(t, s.takePorts(ports, "a"))
	assert.ErrorContains(t, s.takePorts(ports, "b"), "taken")
	require.NoError(t, s.takePorts([]Port{{Host: 8080, Container: 80, Proto: "udp"}}, "b"), "another protocol")
	require.NoError(t, s.releasePorts(ports, "a"))
	require.NoError(t, s.takePorts(ports, "b"))
	twice := []Port{{Host: 9090, Container: 80, Proto: "tcp"}, {Host: 9090, Container: 81, Proto: "tcp"}}
	assert.ErrorContains(t, s.takePorts(twice, "c"), "mapped twice")
	taken, err := s.loadPorts()
	require.NoError(t, err)
	assert.NotContains(t, taken, "tcp/9090", "nothing is kept of a refused run")
}

func TestJumpTargetNamesOnlyOurChains(t *testing.T) {
	assert.Equal(t, chainIso, jumpTarget([]string{"-i", "md-1", "-j", chainIso}))
	assert.Equal(t, "", jumpTarget([]string{"-i", "md-1", "-j", "ACCEPT"}))
	assert.Equal(t, "", jumpTarget([]string{"-s", "10.0.0.0/24", "-j"}))
}
