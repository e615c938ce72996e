package cgroups

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

// fakeCgroup makes dir with the files the kernel has in a cgroup.
func fakeCgroup(t *testing.T, dir string, files map[string]string) {
	require.NoError(t, os.MkdirAll(dir, 0o755))
	testutil.WriteFile(t, filepath.Join(dir, "cgroup.procs"), "")
	for name, value := range files {
		testutil.WriteFile(t, filepath.Join(dir, name), value)
	}
}

func TestCheckUnusedTakesACgroupNotThereOrEmpty(t *testing.T) {
	root := t.TempDir()
	all := map[string]string{"memory": filepath.Join(root, "memory/pod/c1"), "freezer": filepath.Join(root, "freezer/pod/c1")}
	freezer := map[string]string{"freezer": all["freezer"]}
	require.NoError(t, checkUnused("pod/c1", all, freezer), "not made yet")

	fakeCgroup(t, all["memory"], nil)
	fakeCgroup(t, all["freezer"], map[string]string{"freezer.state": "THAWED\n"})
	require.NoError(t, checkUnused("pod/c1", all, freezer))
}

func TestCheckUnusedRefusesProcessesInAnyHierarchyOrBelow(t *testing.T) {
	root := t.TempDir()
	all := map[string]string{"memory": filepath.Join(root, "memory/c1"), "pids": filepath.Join(root, "pids/c1")}
	fakeCgroup(t, all["memory"], nil)
	fakeCgroup(t, all["pids"], nil)
	fakeCgroup(t, filepath.Join(all["pids"], "sub"), map[string]string{"cgroup.procs": "42\n43\n"})

	err := checkUnused("c1", all, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "container's cgroup is not empty: 2 process(es) found", "runc's words, which clients and runc's tests match")
}

func TestCheckUnusedRefusesAFrozenCgroup(t *testing.T) {
	for name, tc := range map[string]struct{ key, file, value string }{
		"v1 frozen":   {"freezer", "freezer.state", "FROZEN\n"},
		"v1 freezing": {"freezer", "freezer.state", "FREEZING\n"},
		"v2":          {"", "cgroup.freeze", "1\n"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "c1")
			fakeCgroup(t, dir, map[string]string{tc.file: tc.value})

			err := checkUnused("c1", map[string]string{tc.key: dir}, map[string]string{tc.key: dir})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "container's cgroup unexpectedly frozen")
		})
	}
}
