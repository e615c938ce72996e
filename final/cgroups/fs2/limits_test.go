package fs2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

func TestCPUsAndPidsLimitWriteCPUMaxAndPidsMax(t *testing.T) {
	dir := t.TempDir()
	res := &resources.Resources{NanoCPUs: 1500000000, PidsLimit: 64}
	require.NoError(t, setCPU(dir, res))
	require.NoError(t, setPids(dir, res))
	cpuMax, _ := os.ReadFile(filepath.Join(dir, "cpu.max"))
	pidsMax, _ := os.ReadFile(filepath.Join(dir, "pids.max"))
	assert.Equal(t, "150000 100000", string(cpuMax))
	assert.Equal(t, "64", string(pidsMax))
	assert.Equal(t, []string{"cpu", "pids"}, controllersFor(res))
}
