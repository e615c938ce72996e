package fs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/internal/testutil"
)

// fakeV1 makes a fake v1 layout: one directory per controller, with the
// root cpuset's cpus and mems filled in as the kernel does.
func fakeV1(t *testing.T) map[string]string {
	root := t.TempDir()
	mounts := map[string]string{}
	for _, c := range []string{"memory", "cpu", "cpuset"} {
		mounts[c] = filepath.Join(root, c)
		require.NoError(t, os.MkdirAll(mounts[c], 0o755))
	}
	testutil.WriteFile(t, filepath.Join(mounts["cpuset"], "cpuset.cpus"), "0-3\n")
	testutil.WriteFile(t, filepath.Join(mounts["cpuset"], "cpuset.mems"), "0\n")
	return mounts
}

func TestSetWritesEachLimitInItsHierarchy(t *testing.T) {
	mounts := fakeV1(t)
	m := NewManager(mounts, "mydocker/abc")

	res := &resources.Resources{Memory: 32 << 20, CPUShares: 512, CPUSet: "1"}
	require.NoError(t, m.Set(res))

	assert.Equal(t, "33554432", testutil.ReadFile(t, filepath.Join(mounts["memory"], "mydocker/abc/memory.limit_in_bytes")))
	assert.Equal(t, "512", testutil.ReadFile(t, filepath.Join(mounts["cpu"], "mydocker/abc/cpu.shares")))
	assert.Equal(t, "1", testutil.ReadFile(t, filepath.Join(mounts["cpuset"], "mydocker/abc/cpuset.cpus")))
	assert.Len(t, m.Paths(), 3)
}

func TestCPUSetFillsEveryLevelFromItsParent(t *testing.T) {
	mounts := fakeV1(t)
	m := NewManager(mounts, "mydocker/abc")

	require.NoError(t, m.Set(&resources.Resources{CPUSet: "0-1"}))

	parent := filepath.Join(mounts["cpuset"], "mydocker")
	assert.Equal(t, "0-3", testutil.ReadFile(t, filepath.Join(parent, "cpuset.cpus")), "the parent gets all the CPUs")
	assert.Equal(t, "0", testutil.ReadFile(t, filepath.Join(parent, "cpuset.mems")))
	assert.Equal(t, "0", testutil.ReadFile(t, filepath.Join(parent, "abc/cpuset.mems")), "mems is never left empty (ENOSPC)")
	assert.Equal(t, "0-1", testutil.ReadFile(t, filepath.Join(parent, "abc/cpuset.cpus")))
}

func TestSetJoinsOnlyConfiguredControllers(t *testing.T) {
	mounts := fakeV1(t)
	m := NewManager(mounts, "mydocker/abc")

	require.NoError(t, m.Set(&resources.Resources{Memory: 64 << 20}))
	require.NoError(t, m.Apply(4242))

	assert.Equal(t, map[string]string{"memory": filepath.Join(mounts["memory"], "mydocker/abc")}, m.Paths())
	assert.Equal(t, "4242", testutil.ReadFile(t, filepath.Join(mounts["memory"], "mydocker/abc/cgroup.procs")))
	assert.NoDirExists(t, filepath.Join(mounts["cpuset"], "mydocker"), "cpuset is not joined")
	assert.NoDirExists(t, filepath.Join(mounts["cpu"], "mydocker"))
}

func TestMemsw(t *testing.T) {
	mounts := fakeV1(t)
	dir := filepath.Join(mounts["memory"], "mydocker/abc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	testutil.WriteFile(t, filepath.Join(dir, "memory.memsw.limit_in_bytes"), "max")

	require.NoError(t, NewManager(mounts, "mydocker/abc").Set(&resources.Resources{Memory: 32 << 20}))
	assert.Equal(t, "33554432", testutil.ReadFile(t, filepath.Join(dir, "memory.memsw.limit_in_bytes")), "no swap beyond the limit")
}

func TestSetNeedsTheController(t *testing.T) {
	mounts := fakeV1(t)
	delete(mounts, "cpuset")
	err := NewManager(mounts, "mydocker/abc").Set(&resources.Resources{CPUSet: "0"})
	assert.ErrorContains(t, err, "no cpuset cgroup controller")
}

func TestNoLimitsNoCgroup(t *testing.T) {
	mounts := fakeV1(t)
	m := NewManager(mounts, "mydocker/abc")
	require.NoError(t, m.Set(&resources.Resources{}))
	require.NoError(t, m.Apply(1))
	require.NoError(t, m.Destroy())
	assert.Empty(t, m.Paths())
}
