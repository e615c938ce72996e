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

func TestJumpTargetNamesOnlyOurChains(t *testing.T) {
	assert.Equal(t, chainIso, jumpTarget([]string{"-i", "md-1", "-j", chainIso}))
	assert.Equal(t, "", jumpTarget([]string{"-i", "md-1", "-j", "ACCEPT"}))
	assert.Equal(t, "", jumpTarget([]string{"-s", "10.0.0.0/24", "-j"}))
}
