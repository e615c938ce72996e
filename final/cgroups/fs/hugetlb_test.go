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

var kubeletZeros = []resources.HugepageLimit{{PageSize: "2MB"}, {PageSize: "1GB"}}

func TestHugetlbV1(t *testing.T) {
	mounts := fakeV1(t)
	mounts["hugetlb"] = filepath.Join(filepath.Dir(mounts["cpu"]), "hugetlb")
	dir := filepath.Join(mounts["hugetlb"], "mydocker/abc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, f := range []string{"hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.rsvd.limit_in_bytes", "hugetlb.1GB.limit_in_bytes"} {
		testutil.WriteFile(t, filepath.Join(dir, f), "")
	}
	m := NewManager(mounts, "mydocker/abc")
	limits := []resources.HugepageLimit{{PageSize: "2MB", Limit: 2 << 20}, {PageSize: "1GB"}}
	require.NoError(t, m.Set(&resources.Resources{HugepageLimits: limits}))
	assert.Equal(t, "2097152", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.2MB.limit_in_bytes")))
	assert.Equal(t, "2097152", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.2MB.rsvd.limit_in_bytes")))
	assert.Equal(t, "0", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.1GB.limit_in_bytes")))
	assert.Equal(t, dir, m.Paths()["hugetlb"])
}

// Without a hugetlb controller anywhere, limits of 0 (the kubelet's, for
// every page size) pass and one above 0 is refused.
func TestHugetlbV1WithoutTheController(t *testing.T) {
	m := NewManager(fakeV1(t), "mydocker/abc")
	require.NoError(t, m.Set(&resources.Resources{HugepageLimits: kubeletZeros}))
	err := NewManager(fakeV1(t), "mydocker/abc").Set(&resources.Resources{HugepageLimits: []resources.HugepageLimit{{PageSize: "2MB", Limit: 1}}})
	assert.ErrorContains(t, err, "no hugetlb cgroup controller")
}

// A hybrid host's unified hierarchy holds the controllers no v1 one took.
func TestHugetlbInAHybridHostsUnifiedHierarchy(t *testing.T) {
	mounts := fakeV1(t)
	unified := t.TempDir()
	testutil.WriteFile(t, filepath.Join(unified, "cgroup.controllers"), "hugetlb\n")
	testutil.WriteFile(t, filepath.Join(unified, "cgroup.subtree_control"), "")
	dir := filepath.Join(unified, "mydocker/abc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	testutil.WriteFile(t, filepath.Join(unified, "mydocker/cgroup.subtree_control"), "")
	testutil.WriteFile(t, filepath.Join(dir, "hugetlb.2MB.max"), "")
	m := NewManager(mounts, "mydocker/abc").JoinAll(unified)
	require.NoError(t, m.Set(&resources.Resources{HugepageLimits: []resources.HugepageLimit{{PageSize: "2MB", Limit: 2 << 20}}}))
	assert.Equal(t, "2097152", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.2MB.max")))
	assert.Equal(t, "+hugetlb", testutil.ReadFile(t, filepath.Join(unified, "mydocker/cgroup.subtree_control")))
	assert.Equal(t, dir, m.Paths()["unified"])
}

func TestUnifiedIsRefusedOnV1(t *testing.T) {
	err := NewManager(fakeV1(t), "mydocker/abc").Set(&resources.Resources{Unified: map[string]string{"memory.oom.group": "1"}})
	assert.ErrorContains(t, err, "cannot use unified on cgroup v1")
}

func TestCPUIdleAndKernelTCPV1(t *testing.T) {
	mounts := fakeV1(t)
	idle := int64(1)
	err := NewManager(mounts, "mydocker/a").Set(&resources.Resources{CPUIdle: &idle})
	assert.ErrorContains(t, err, "cpu.idle", "a kernel without it")
	zero := int64(0)
	require.NoError(t, NewManager(mounts, "mydocker/b").Set(&resources.Resources{CPUIdle: &zero}))

	dir := filepath.Join(mounts["cpu"], "mydocker/c")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	testutil.WriteFile(t, filepath.Join(dir, "cpu.idle"), "0")
	mem := filepath.Join(mounts["memory"], "mydocker/c")
	require.NoError(t, os.MkdirAll(mem, 0o755))
	testutil.WriteFile(t, filepath.Join(mem, "memory.kmem.tcp.limit_in_bytes"), "")
	require.NoError(t, NewManager(mounts, "mydocker/c").Set(&resources.Resources{CPUIdle: &idle, KernelMemoryTCP: 1 << 20}))
	assert.Equal(t, "1", testutil.ReadFile(t, filepath.Join(dir, "cpu.idle")))
	assert.Equal(t, "1048576", testutil.ReadFile(t, filepath.Join(mem, "memory.kmem.tcp.limit_in_bytes")))
	// Where the kernel has no kmem.tcp file any more, it is ignored, as runc.
	require.NoError(t, NewManager(mounts, "mydocker/d").Set(&resources.Resources{KernelMemoryTCP: 1 << 20}))
}
