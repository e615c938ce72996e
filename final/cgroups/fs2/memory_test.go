package fs2

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/internal/testutil"
)

func TestCheckBeforeUpdateRefusesALimitBelowUsage(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "memory.current"), "4096\n")
	testutil.WriteFile(t, filepath.Join(dir, "memory.swap.current"), "1024\n")
	testutil.WriteFile(t, filepath.Join(dir, "memory.max"), "max")

	err := setMemory(dir, &resources.Resources{Memory: 1024, CheckBeforeUpdate: true})
	assert.EqualError(t, err, "rejecting memory limit 1024 below usage 4096")
	err = setMemory(dir, &resources.Resources{Memory: 1024, MemorySwap: 2048, CheckBeforeUpdate: true})
	assert.EqualError(t, err, "rejecting memory+swap limit 2048 below usage 5120")
	assert.Equal(t, "max", testutil.ReadFile(t, filepath.Join(dir, "memory.max")), "nothing written")

	require.NoError(t, setMemory(dir, &resources.Resources{Memory: 8192, CheckBeforeUpdate: true}))
	assert.Equal(t, "8192", testutil.ReadFile(t, filepath.Join(dir, "memory.max")))
	require.NoError(t, setMemory(dir, &resources.Resources{Memory: 1024}), "no check asked")
}
