package fs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// Throttles go to their files; a weight with no file for it (no CFQ or
// BFQ: this host) is refused with the field's name.
func TestBlkioSet(t *testing.T) {
	mount := t.TempDir()
	dir := filepath.Join(mount, "c")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blkio.throttle.write_bps_device"), nil, 0o644))
	dev := resources.Device{Major: 254, Minor: 0}
	res := &resources.Resources{BlockIO: &resources.BlockIO{WriteBps: []resources.ThrottleDevice{{Device: dev, Rate: 1 << 20}}}}
	require.NoError(t, (&blkio{}).Set(mount, "c", res))
	b, _ := os.ReadFile(filepath.Join(dir, "blkio.throttle.write_bps_device"))
	assert.Equal(t, "254:0 1048576", string(b))
	res.BlockIO.Weight = 500
	assert.ErrorContains(t, (&blkio{}).Set(mount, "c", res), "linux.resources.blockIO.weight: this host's blkio controller has no")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blkio.bfq.weight"), nil, 0o644))
	require.NoError(t, (&blkio{}).Set(mount, "c", res))
	b, _ = os.ReadFile(filepath.Join(dir, "blkio.bfq.weight"))
	assert.Equal(t, "500", string(b))
}
