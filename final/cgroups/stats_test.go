package cgroups

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestReadStatsV2(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"cpu.stat":                 "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 3\nnr_throttled 1\nthrottled_usec 7\n",
		"memory.current":           "4096\n",
		"memory.max":               "max\n",
		"memory.events":            "low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n",
		"memory.stat":              "anon 100\nfile 200\n",
		"pids.current":             "3\n",
		"pids.max":                 "20\n",
		"io.stat":                  "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n",
		"hugetlb.2MB.current":      "0\n",
		"hugetlb.2MB.events":       "max 4\n",
		"hugetlb.2MB.rsvd.current": "0\n",
	}
	for name, text := range files {
		assert.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	s := ReadStats(map[string]string{"": dir})
	assert.Equal(t, CPUStats{Total: 1500000, User: 1000000, Kernel: 500000, Periods: 3, ThrottledPeriods: 1, ThrottledTime: 7000}, s.CPU)
	assert.Equal(t, MemoryUsage{Usage: 4096, Limit: math.MaxUint64, Failcnt: 2}, s.Memory.Usage)
	assert.Equal(t, uint64(200), s.Memory.Cache)
	assert.Equal(t, PidsStats{Current: 3, Limit: 20}, s.Pids)
	assert.Equal(t, []BlkioEntry{{8, 0, "Read", 10}, {8, 0, "Write", 20}, {8, 0, "Discard", 0}}, s.Blkio.ServiceBytes)
	assert.Equal(t, map[string]HugetlbStats{"2MB": {Failcnt: 4}}, s.Hugetlb)
	assert.Equal(t, uint64(1), OOMKillsIn(map[string]string{"": dir}))
}

func TestReadStatsV1FindsEachFileInItsHierarchy(t *testing.T) {
	cpu, mem := t.TempDir(), t.TempDir()
	for dir, files := range map[string]map[string]string{
		cpu: {"cpuacct.usage": "900\n", "cpuacct.usage_percpu": "400 500 \n", "cpuacct.stat": "user 2\nsystem 1\n", "cpu.stat": "nr_periods 5\nnr_throttled 0\nthrottled_time 0\n"},
		mem: {"memory.usage_in_bytes": "8192\n", "memory.limit_in_bytes": "67108864\n", "memory.failcnt": "1\n", "memory.stat": "cache 12\n", "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"},
	} {
		for name, text := range files {
			assert.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
		}
	}
	paths := map[string]string{"cpu": cpu, "memory": mem}
	s := ReadStats(paths)
	assert.Equal(t, CPUStats{Total: 900, PerCPU: []uint64{400, 500}, User: 20000000, Kernel: 10000000, Periods: 5}, s.CPU)
	assert.Equal(t, MemoryUsage{Usage: 8192, Limit: 64 << 20, Failcnt: 1}, s.Memory.Usage)
	assert.Equal(t, uint64(12), s.Memory.Cache)
	assert.Equal(t, uint64(3), OOMKillsIn(paths))
}

func TestPidsInReadsTheCgroupsBelowToo(t *testing.T) {
	pids, mem := t.TempDir(), t.TempDir()
	assert.NoError(t, os.MkdirAll(filepath.Join(pids, "sub"), 0o755))
	for path, procs := range map[string]string{
		filepath.Join(pids, "cgroup.procs"): "1\n", filepath.Join(pids, "sub", "cgroup.procs"): "7\n",
		filepath.Join(mem, "cgroup.procs"): "1\n7\n",
	} {
		assert.NoError(t, os.WriteFile(path, []byte(procs), 0o644))
	}
	list, err := PidsIn(map[string]string{"pids": pids, "memory": mem})
	assert.NoError(t, err)
	assert.ElementsMatch(t, []int{1, 7}, list)
	list, err = PidsIn(map[string]string{"pids": pids})
	assert.NoError(t, err)
	assert.ElementsMatch(t, []int{1, 7}, list, "exec --cgroup pids:sub's process")
}
