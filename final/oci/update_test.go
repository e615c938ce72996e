package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
)

func TestMergeResourcesKeepsWhatTheUpdateLeavesOutOrZero(t *testing.T) {
	old := &specs.LinuxResources{
		Memory:         &specs.LinuxMemory{Limit: ptr[int64](64 << 20), Reservation: ptr[int64](32 << 20)},
		CPU:            &specs.LinuxCPU{Shares: ptr[uint64](1024), Cpus: "0"},
		Pids:           &specs.LinuxPids{Limit: ptr[int64](50)},
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 0}},
		Unified:        map[string]string{"memory.oom.group": "1"},
		Devices:        []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}},
	}
	up := &specs.LinuxResources{
		Memory:         &specs.LinuxMemory{Limit: ptr[int64](-1), Reservation: ptr[int64](0)},
		CPU:            &specs.LinuxCPU{Quota: ptr[int64](50000), Cpus: ""},
		Pids:           &specs.LinuxPids{},
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 4 << 20}, {Pagesize: "1GB", Limit: 0}},
		Unified:        map[string]string{"memory.high": "max"},
	}
	m := mergeResources(old, up)
	assert.Equal(t, int64(-1), *m.Memory.Limit)
	assert.Equal(t, int64(32<<20), *m.Memory.Reservation, "0 keeps")
	assert.Equal(t, uint64(1024), *m.CPU.Shares)
	assert.Equal(t, int64(50000), *m.CPU.Quota)
	assert.Equal(t, "0", m.CPU.Cpus, "an empty list keeps")
	assert.Equal(t, int64(50), *m.Pids.Limit, "no limit given keeps")
	assert.Equal(t, []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 4 << 20}, {Pagesize: "1GB", Limit: 0}}, m.HugepageLimits)
	assert.Equal(t, map[string]string{"memory.oom.group": "1", "memory.high": "max"}, m.Unified)
	assert.Equal(t, old.Devices, m.Devices)
	assert.Equal(t, int64(64<<20), *old.Memory.Limit, "the old resources are left alone")
	assert.Equal(t, 1, len(old.HugepageLimits))
}

func TestResourcesOfTakesMinusOneAsNoLimit(t *testing.T) {
	res, err := resourcesOf(&specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-1)}, Pids: &specs.LinuxPids{Limit: ptr[int64](-5)}})
	assert.NoError(t, err)
	assert.Equal(t, int64(-1), res.Memory)
	assert.Equal(t, int64(-1), res.PidsLimit)
}

func TestMergeResourcesLiftingMemoryLiftsSwap(t *testing.T) {
	old := &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](50 << 20), Swap: ptr[int64](92 << 20)}}

	m := mergeResources(old, &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-1)}})
	assert.Equal(t, int64(-1), *m.Memory.Swap, "v1 refuses a memory limit above memsw")

	m = mergeResources(old, &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-1), Swap: ptr[int64](200 << 20)}})
	assert.Equal(t, int64(200<<20), *m.Memory.Swap, "a swap limit of its own is kept")
}

func TestMergeResourcesIdleAloneDropsTheShares(t *testing.T) {
	old := &specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](100), Quota: ptr[int64](500000), Period: ptr[uint64](1000000)}}

	m := mergeResources(old, &specs.LinuxResources{CPU: &specs.LinuxCPU{Idle: ptr[int64](1)}})
	assert.Nil(t, m.CPU.Shares, "the kernel refuses a weight for an idle cgroup")
	assert.Equal(t, int64(500000), *m.CPU.Quota)

	m = mergeResources(old, &specs.LinuxResources{CPU: &specs.LinuxCPU{Idle: ptr[int64](0), Shares: ptr[uint64](200)}})
	assert.Equal(t, uint64(200), *m.CPU.Shares)
}

func TestPidsLimitZeroIsOne(t *testing.T) {
	res, err := resourcesOf(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](0)}})
	assert.NoError(t, err)
	assert.Equal(t, int64(1), res.PidsLimit, "0 is a limit (runtime-spec 1.2.1), written as runc writes it")

	res, err = resourcesOf(&specs.LinuxResources{Pids: &specs.LinuxPids{}})
	assert.NoError(t, err)
	assert.Equal(t, int64(0), res.PidsLimit, "none given: no limit written")

	m := mergeResources(&specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](20)}}, &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](0)}})
	assert.Equal(t, int64(0), *m.Pids.Limit, "an update's 0 replaces the limit")
}
