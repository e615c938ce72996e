package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSubCgroupsAsRunc(t *testing.T) {
	subs, err := ParseSubCgroups([]string{"cpu,cpuacct:a", "memory:b"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"cpu": "a", "cpuacct": "a", "memory": "b"}, subs)
	subs, err = ParseSubCgroups([]string{"x/y"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"": "x/y"}, subs)
	_, err = ParseSubCgroups([]string{"a", "b"})
	assert.ErrorContains(t, err, "missing <controller>: prefix")
	_, err = ParseSubCgroups([]string{":a"})
	assert.ErrorContains(t, err, "empty <controller> prefix")
	_, err = ParseSubCgroups([]string{"cpu:a", "cpu:b"})
	assert.ErrorContains(t, err, "controller cpu specified multiple times")
}

func TestExecCgroupsStayBelowTheContainersAndMustExist(t *testing.T) {
	root := t.TempDir()
	cpu, mem := filepath.Join(root, "cpu", "c1"), filepath.Join(root, "memory", "c1")
	require.NoError(t, os.MkdirAll(filepath.Join(cpu, "sub"), 0o755))
	require.NoError(t, os.MkdirAll(mem, 0o755))
	c := &Container{Cgroup: map[string]string{"cpu": cpu, "memory": mem}}

	dirs, err := c.execCgroups(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{cpu, mem}, dirs)
	dirs, err = c.execCgroups(map[string]string{"cpu": "/sub"})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(cpu, "sub"), mem}, dirs, "a path is below the container's cgroup")
	dirs, err = c.execCgroups(map[string]string{"": "/"})
	require.NoError(t, err)
	assert.Equal(t, []string{cpu, mem}, dirs, "/ is the container's cgroup")
	for _, bad := range []string{"..", "../c1-sibling", "sub/../.."} {
		_, err = c.execCgroups(map[string]string{"cpu": bad})
		assert.ErrorContains(t, err, "bad sub cgroup path", bad)
	}
	_, err = c.execCgroups(map[string]string{"": "sub"})
	assert.ErrorContains(t, err, "adding pid to cgroup "+filepath.Join(mem, "sub")+": no such file or directory")
	_, err = c.execCgroups(map[string]string{"pids": "sub"})
	assert.ErrorContains(t, err, "no cgroup of controller pids")
}

func TestExecGoesWhereInitIsWhenItsCgroupTakesNoProcess(t *testing.T) {
	base := t.TempDir()
	c := &Container{Pid: os.Getpid()}
	require.NoError(t, os.WriteFile(filepath.Join(base, "cgroup.subtree_control"), nil, 0o644))
	assert.Equal(t, base, c.initCgroupIfGone(base), "a leaf: exec joins it")

	root, err := cgroup2Root()
	if err != nil {
		t.Skip("no cgroup2 mount here")
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	require.NoError(t, err)
	var ours string
	for _, line := range strings.Split(string(data), "\n") {
		if rel, ok := strings.CutPrefix(line, "0::"); ok {
			ours = filepath.Join(root, rel)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(base, "cgroup.subtree_control"), []byte("memory\n"), 0o644))
	assert.Equal(t, ours, c.initCgroupIfGone(base), "controllers for its children: where init is")
	assert.Equal(t, ours, c.initCgroupIfGone(filepath.Join(base, "gone")), "removed: where init is")
}
