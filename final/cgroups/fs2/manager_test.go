package fs2

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/internal/testutil"
)

// fakeV2 makes a fake cgroup2 root with the controllers of a typical
// systemd host, of which only io, memory and pids are passed down yet.
func fakeV2(t *testing.T) string {
	root := t.TempDir()
	testutil.WriteFile(t, filepath.Join(root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n")
	testutil.WriteFile(t, filepath.Join(root, "cgroup.subtree_control"), "io memory pids\n")
	// The kernel makes the parent's subtree_control file with the directory.
	require.NoError(t, os.MkdirAll(filepath.Join(root, "mydocker"), 0o755))
	testutil.WriteFile(t, filepath.Join(root, "mydocker", "cgroup.subtree_control"), "")
	return root
}

func TestSetWritesV2Files(t *testing.T) {
	root := fakeV2(t)
	dir := filepath.Join(root, "mydocker/abc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	testutil.WriteFile(t, filepath.Join(dir, "memory.swap.max"), "max")
	m := NewManager(root, "mydocker/abc")

	require.NoError(t, m.Set(&resources.Resources{Memory: 32 << 20, CPUShares: 512, CPUSet: "0-1"}))
	require.NoError(t, m.Apply(4242))

	assert.Equal(t, "33554432", testutil.ReadFile(t, filepath.Join(dir, "memory.max")))
	assert.Equal(t, "0", testutil.ReadFile(t, filepath.Join(dir, "memory.swap.max")), "OOM rather than swap")
	assert.Equal(t, "59", testutil.ReadFile(t, filepath.Join(dir, "cpu.weight")))
	assert.Equal(t, "0-1", testutil.ReadFile(t, filepath.Join(dir, "cpuset.cpus")))
	assert.Equal(t, "4242", testutil.ReadFile(t, filepath.Join(dir, "cgroup.procs")))
	assert.Equal(t, map[string]string{"": dir}, m.Paths())
}

func TestSetEnablesControllersInEveryAncestor(t *testing.T) {
	root := fakeV2(t)
	m := NewManager(root, "mydocker/abc")

	require.NoError(t, m.Set(&resources.Resources{Memory: 32 << 20, CPUShares: 100, CPUSet: "0"}))

	// A real subtree_control takes "+cpu +cpuset" and lists the result; the
	// fake keeps what was written: only what was missing, of every
	// controller the host has (as runc, not only those of the limits).
	assert.Equal(t, "+cpuset +cpu +hugetlb", testutil.ReadFile(t, filepath.Join(root, "cgroup.subtree_control")))
	assert.Equal(t, "+cpuset +cpu +io +memory +hugetlb +pids", testutil.ReadFile(t, filepath.Join(root, "mydocker/cgroup.subtree_control")))
}

func TestSetRefusesAMissingController(t *testing.T) {
	root := fakeV2(t)
	testutil.WriteFile(t, filepath.Join(root, "cgroup.controllers"), "memory pids\n")

	err := NewManager(root, "mydocker/abc").Set(&resources.Resources{CPUSet: "0"})
	assert.ErrorContains(t, err, "controller cpuset is not available")
}

func TestSetWithoutLimitsStillMakesTheCgroup(t *testing.T) {
	root := fakeV2(t)
	m := NewManager(root, "mydocker/abc")

	require.NoError(t, m.Set(&resources.Resources{}))

	assert.DirExists(t, filepath.Join(root, "mydocker/abc"))
	// Every controller the host has, passed down as runc does: without
	// limits they only count (docker stats reads memory.current and
	// io.stat), and the container may hand them down in turn.
	assert.Equal(t, "+cpuset +cpu +hugetlb", testutil.ReadFile(t, filepath.Join(root, "cgroup.subtree_control")))
	assert.Equal(t, "+cpuset +cpu +io +memory +hugetlb +pids", testutil.ReadFile(t, filepath.Join(root, "mydocker/cgroup.subtree_control")))
}

func TestSetWithoutIOAvailableStillMakesTheCgroup(t *testing.T) {
	root := fakeV2(t)
	testutil.WriteFile(t, filepath.Join(root, "cgroup.controllers"), "memory pids\n")

	require.NoError(t, NewManager(root, "mydocker/abc").Set(&resources.Resources{}))

	assert.DirExists(t, filepath.Join(root, "mydocker/abc"))
	assert.Equal(t, "+memory +pids", testutil.ReadFile(t, filepath.Join(root, "mydocker/cgroup.subtree_control")))
}

func TestSharesToWeight(t *testing.T) {
	for shares, weight := range map[uint64]uint64{
		2: 1, 1024: 100, 512: 59, 100: 17, 262144: 10000, 0: 0, 1: 1, 1 << 20: 10000,
	} {
		assert.Equal(t, weight, SharesToWeight(shares), "shares %d", shares)
	}
}

func TestSetLeavesAncestorsAloneWhenTheyPassTheControllersDown(t *testing.T) {
	root := fakeV2(t)
	testutil.WriteFile(t, filepath.Join(root, "cgroup.controllers"), "io memory pids\n")
	testutil.WriteFile(t, filepath.Join(root, "mydocker", "cgroup.subtree_control"), "io memory pids\n")

	require.NoError(t, NewManager(root, "mydocker/abc").Set(&resources.Resources{Memory: 32 << 20}))

	// Writing the root's file when there is nothing to add fails inside a
	// cgroup namespace (EBUSY): it must not be written at all.
	assert.Equal(t, "io memory pids\n", testutil.ReadFile(t, filepath.Join(root, "cgroup.subtree_control")))
	assert.Equal(t, "io memory pids\n", testutil.ReadFile(t, filepath.Join(root, "mydocker/cgroup.subtree_control")))
}

func TestSubtreeErrorSaysWhyAndWhatToDo(t *testing.T) {
	err := subtreeError("/sys/fs/cgroup", &os.PathError{Op: "write", Path: "/sys/fs/cgroup/cgroup.subtree_control", Err: unix.EBUSY})
	assert.ErrorIs(t, err, unix.EBUSY)
	assert.ErrorContains(t, err, "no process of its own")
	assert.ErrorContains(t, err, "move them into a child cgroup")
	assert.NotContains(t, err.Error(), "\n", "one line")

	other := errors.New("other")
	assert.Equal(t, other, subtreeError("/x", other), "other errors pass as they are")
}

// readOnlyV2 is fakeV2 on a read-only tmpfs, as a container's cgroupfs is.
func readOnlyV2(t *testing.T) string {
	testutil.RequireRoot(t)
	root := t.TempDir()
	require.NoError(t, unix.Mount("tmpfs", root, "tmpfs", 0, "size=1m"))
	t.Cleanup(func() { _ = unix.Unmount(root, unix.MNT_DETACH) })
	testutil.WriteFile(t, filepath.Join(root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n")
	testutil.WriteFile(t, filepath.Join(root, "cgroup.subtree_control"), "memory pids\n")
	require.NoError(t, unix.Mount("", root, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""))
	return root
}

func TestReadOnlyCgroupfsRunsWithoutLimitsOnly(t *testing.T) {
	root := readOnlyV2(t)

	m := NewManager(root, "mydocker/abc")
	require.NoError(t, m.Set(&resources.Resources{}), "no limits: no cgroup needed")
	require.NoError(t, m.Apply(4242))
	assert.Empty(t, m.Paths())
	require.NoError(t, m.Destroy())

	err := NewManager(root, "mydocker/abc").Set(&resources.Resources{Memory: 32 << 20})
	assert.ErrorIs(t, err, unix.EROFS)
	assert.ErrorContains(t, err, "limits need a writable /sys/fs/cgroup")
}
