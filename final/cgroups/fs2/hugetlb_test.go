package fs2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/internal/testutil"
)

// The kubelet's request: a limit for every page size of the host (0 for
// those the pod does not ask), and memory.oom.group through unified.
func TestSetWritesHugetlbAndUnifiedLast(t *testing.T) {
	root := fakeV2(t)
	dir := filepath.Join(root, "mydocker/abc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, f := range []string{"hugetlb.2MB.max", "hugetlb.2MB.rsvd.max", "hugetlb.1GB.max", "memory.oom.group", "memory.max"} {
		testutil.WriteFile(t, filepath.Join(dir, f), "")
	}
	res := &resources.Resources{
		Memory:         64 << 20,
		HugepageLimits: []resources.HugepageLimit{{PageSize: "2MB", Limit: 4 << 20}, {PageSize: "1GB"}},
		Unified:        map[string]string{"memory.oom.group": "1", "memory.max": "max"},
	}
	require.NoError(t, NewManager(root, "mydocker/abc").Set(res))

	assert.Equal(t, "4194304", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.2MB.max")))
	assert.Equal(t, "4194304", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.2MB.rsvd.max")))
	assert.Equal(t, "0", testutil.ReadFile(t, filepath.Join(dir, "hugetlb.1GB.max")))
	assert.Equal(t, "1", testutil.ReadFile(t, filepath.Join(dir, "memory.oom.group")))
	assert.Equal(t, "max", testutil.ReadFile(t, filepath.Join(dir, "memory.max")), "unified overrides")
	assert.Equal(t, "+cpuset +cpu +io +memory +hugetlb +pids", testutil.ReadFile(t, filepath.Join(root, "mydocker/cgroup.subtree_control")))
}

func TestHugetlbWithoutTheController(t *testing.T) {
	zero := &resources.Resources{HugepageLimits: []resources.HugepageLimit{{PageSize: "2MB"}, {PageSize: "1GB"}}}
	want, err := wantsHugetlb("cpu memory pids", zero)
	require.NoError(t, err, "limits of 0: nothing lost")
	assert.False(t, want)
	_, err = wantsHugetlb("cpu memory pids", &resources.Resources{HugepageLimits: []resources.HugepageLimit{{PageSize: "2MB", Limit: 1 << 21}}})
	assert.ErrorContains(t, err, "no hugetlb cgroup controller")

	root := fakeV2(t)
	testutil.WriteFile(t, filepath.Join(root, "cgroup.controllers"), "memory pids\n")
	require.NoError(t, NewManager(root, "mydocker/abc").Set(zero))
	assert.NoFileExists(t, filepath.Join(root, "mydocker/abc/hugetlb.2MB.max"))
}

func TestHugetlbOfAPageSizeTheHostLacks(t *testing.T) {
	err := SetHugetlb(t.TempDir(), []resources.HugepageLimit{{PageSize: "16GB"}})
	assert.ErrorContains(t, err, `page size "16GB"`)
}

func TestUnifiedKeysAreCheckedAsRuncDoes(t *testing.T) {
	names, err := unifiedControllers("cpu memory pids", map[string]string{"memory.high": "1", "cgroup.max.depth": "3", "memory.min": "1", "pids.max": "9"})
	require.NoError(t, err)
	assert.Equal(t, []string{"memory", "pids"}, names)
	for key, want := range map[string]string{
		"../memory.max": "no slashes",
		"..":            "no slashes",
		"memory/x":      "no slashes",
		"oomgroup":      "CONTROLLER.PARAMETER",
		"hugetlb.2MB":   `controller "hugetlb" not available`,
	} {
		_, err := unifiedControllers("cpu memory pids", map[string]string{key: "1"})
		assert.ErrorContains(t, err, want, key)
	}
}

// A key's file is opened beneath the cgroup and never through a symlink:
// one planted where a cgroup file should be is not followed.
func TestUnifiedFollowsNoSymlink(t *testing.T) {
	dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "target")
	testutil.WriteFile(t, outside, "before")
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "memory.high")))
	assert.Error(t, setUnified(dir, map[string]string{"memory.high": "1"}))
	assert.Equal(t, "before", testutil.ReadFile(t, outside))

	testutil.WriteFile(t, filepath.Join(dir, "io.max"), "")
	require.NoError(t, setUnified(dir, map[string]string{"io.max": "8:0 rbps=1\n8:16 wbps=2\n"}))
	// A regular file appends the writes; the kernel takes each as a line.
	assert.Equal(t, "8:0 rbps=18:16 wbps=2", testutil.ReadFile(t, filepath.Join(dir, "io.max")), "a write per line, without its newline")
}

func TestCPUIdle(t *testing.T) {
	dir, idle := t.TempDir(), int64(1)
	require.NoError(t, setCPU(dir, &resources.Resources{CPUIdle: &idle}))
	assert.Equal(t, "1", testutil.ReadFile(t, filepath.Join(dir, "cpu.idle")))
	assert.Equal(t, []string{"cpu"}, controllersFor(&resources.Resources{CPUIdle: &idle}))
}
