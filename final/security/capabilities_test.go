package security

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapabilitiesAreDockersWithAddAndDrop(t *testing.T) {
	def, err := Capabilities(nil, nil, false)
	require.NoError(t, err)
	assert.Len(t, def, 14)
	assert.NotContains(t, def, "CAP_SYS_ADMIN")

	got, err := Capabilities([]string{"sys_time", "CAP_NET_ADMIN"}, []string{"NET_RAW", "mknod"}, false)
	require.NoError(t, err)
	assert.Contains(t, got, "CAP_SYS_TIME", "without CAP_, any case")
	assert.Contains(t, got, "CAP_NET_ADMIN")
	assert.NotContains(t, got, "CAP_NET_RAW")
	assert.NotContains(t, got, "CAP_MKNOD")
	assert.Len(t, got, 14)

	only, err := Capabilities([]string{"NET_BIND_SERVICE"}, []string{"ALL"}, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"CAP_NET_BIND_SERVICE"}, only, "drop ALL, then add")

	all, err := Capabilities([]string{"ALL"}, nil, false)
	require.NoError(t, err)
	assert.Contains(t, all, "CAP_SYS_ADMIN")
	priv, err := Capabilities(nil, nil, true)
	require.NoError(t, err)
	assert.Equal(t, all, priv, "privileged has them all")

	_, err = Capabilities([]string{"CAP_FLY"}, nil, false)
	assert.ErrorContains(t, err, `unknown capability "CAP_FLY"`)
}

func TestCapabilityMask(t *testing.T) {
	assert.Equal(t, uint64(1<<0|1<<21), CapabilityMask([]string{"CAP_CHOWN", "CAP_SYS_ADMIN"}))
	assert.Zero(t, CapabilityMask(nil))
}

// A config's unknown capability is taken out of every set, and named
// once: runc ignores it with a warning.
func TestDropUnknownCapabilities(t *testing.T) {
	c := &specs.LinuxCapabilities{
		Bounding:  []string{"CAP_UNKNOWN", "CAP_KILL", "UNKNOWN_CAP"},
		Effective: []string{"cap_kill", "CAP_UNKNOWN"},
		Ambient:   []string{"CAP_UNKNOWN"},
	}
	bounding := c.Bounding
	assert.Equal(t, []string{"CAP_UNKNOWN", "UNKNOWN_CAP"}, DropUnknownCapabilities(c))
	assert.Equal(t, []string{"CAP_KILL"}, c.Bounding)
	assert.Equal(t, []string{"cap_kill"}, c.Effective)
	assert.Empty(t, c.Ambient)
	assert.Equal(t, "CAP_UNKNOWN", bounding[0], "the caller's slice is left as it was")
	assert.Empty(t, DropUnknownCapabilities(c))
}
