package fs2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// The weight goes to io.weight converted, or to io.bfq.weight as given;
// a rate to io.max; a file the host lacks is said by its name.
func TestSetIO(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"io.weight", "io.max"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), nil, 0o644))
	}
	dev := resources.Device{Major: 8, Minor: 16}
	res := &resources.Resources{BlockIO: &resources.BlockIO{Weight: 1000, ReadIOPS: []resources.ThrottleDevice{{Device: dev, Rate: 300}}}}
	require.NoError(t, setIO(dir, res))
	read := func(f string) string { b, _ := os.ReadFile(filepath.Join(dir, f)); return string(b) }
	assert.Equal(t, "10000", read("io.weight"))
	assert.Equal(t, "8:16 riops=300", read("io.max"))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "io.bfq.weight"), nil, 0o644))
	require.NoError(t, setIO(dir, &resources.Resources{BlockIO: &resources.BlockIO{Weight: 500}}))
	assert.Equal(t, "500", read("io.bfq.weight"))
	require.NoError(t, os.Remove(filepath.Join(dir, "io.max")))
	err := setIO(dir, res)
	assert.ErrorContains(t, err, "no io.max")
	assert.ErrorContains(t, checkAvailable([]string{"cpu", "io"}, &resources.Resources{Rdma: map[string]resources.RdmaLimit{"mlx5_0": {}}}), "no rdma cgroup controller")
}
