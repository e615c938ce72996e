package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

func TestCheckRefusesWhatItCannotHonour(t *testing.T) {
	base := func() *specs.Spec { return DefaultSpec() }
	require.NoError(t, Check(base()))
	cases := map[string]func(*specs.Spec){
		"ociVersion":              func(s *specs.Spec) { s.Version = "invalid" },
		"root.path":               func(s *specs.Spec) { s.Root = nil },
		"linux.mountLabel":        func(s *specs.Spec) { s.Linux.MountLabel = "x" },
		"linux.resources.network": func(s *specs.Spec) { s.Linux.Resources.Network = &specs.LinuxNetwork{} },
		"linux.namespaces": func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "none"})
		},
		"linux.timeOffsets": func(s *specs.Spec) {
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: 1}}
		},
		"linux.timeOffsets.boottime.nanosecs": func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "time"})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Nanosecs: 1e9}}
		},
		"linux.devices[0]":           func(s *specs.Spec) { s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/x", Type: "z"}} },
		"linux.seccomp.listenerPath": func(s *specs.Spec) { s.Linux.Seccomp = &specs.LinuxSeccomp{ListenerPath: "/x"} },
		"process.scheduler":          func(s *specs.Spec) { s.Process.Scheduler = &specs.Scheduler{} },
		"linux.personality":          func(s *specs.Spec) { s.Linux.Personality = &specs.LinuxPersonality{Domain: "PER_BSD"} },
		"process.ioPriority": func(s *specs.Spec) {
			s.Process.IOPriority = &specs.LinuxIOPriority{Class: "IOPRIO_CLASS_RT", Priority: 8}
		},
		"process.execCPUAffinity": func(s *specs.Spec) { s.Process.ExecCPUAffinity = &specs.CPUAffinity{Initial: "0", Final: "3-1"} },
	}
	for field, change := range cases {
		s := base()
		change(s)
		err := Check(s)
		if assert.Error(t, err, field) {
			assert.Contains(t, err.Error(), field)
		}
	}
}

// What real clients send and runc honours or tolerates passes Check:
// the kubelet's hugepage limits and unified keys, containerd's and
// podman's AppArmor profiles, kernel memory, cpu.idle, and the process
// attributes set by init.
func TestCheckAcceptsWhatRuncHonours(t *testing.T) {
	s := DefaultSpec()
	k, idle := int64(1<<20), int64(1)
	s.Linux.Resources.HugepageLimits = []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 0}, {Pagesize: "1GB", Limit: 0}}
	s.Linux.Resources.Unified = map[string]string{"memory.oom.group": "1"}
	s.Linux.Resources.Memory = &specs.LinuxMemory{Kernel: &k, KernelTCP: &k}
	s.Linux.Resources.CPU = &specs.LinuxCPU{Idle: &idle}
	s.Linux.Personality = &specs.LinuxPersonality{Domain: specs.PerLinux32, Flags: []specs.LinuxPersonalityFlag{"x"}}
	s.Process.ApparmorProfile = "cri-containerd.apparmor.d"
	s.Process.Scheduler = &specs.Scheduler{Policy: specs.SchedBatch, Nice: 5, Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagResetOnFork}}
	s.Process.IOPriority = &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_IDLE, Priority: 7}
	s.Process.ExecCPUAffinity = &specs.CPUAffinity{Initial: "0-1,3", Final: "2"}
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: "time"})
	s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Secs: 86400}, "monotonic": {Secs: -5, Nanosecs: 7}}
	require.NoError(t, Check(s))
	assert.Equal(t, "1 -5 7,7 86400 0", timeOffsetsParam(s.Linux.TimeOffsets))
	p, err := planNamespaces(s)
	require.NoError(t, err)
	assert.True(t, p.newTime)
	assert.Zero(t, p.clone&unix.CLONE_NEWTIME, "made by init's constructor, not at clone")
}

func TestProcAttrs(t *testing.T) {
	attr, err := schedAttr(&specs.Scheduler{Policy: specs.SchedFIFO, Priority: 10, Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagResetOnFork}})
	require.NoError(t, err)
	assert.Equal(t, uint32(unix.SCHED_FIFO), attr.Policy)
	assert.Equal(t, uint32(10), attr.Priority)
	assert.Equal(t, uint64(unix.SCHED_FLAG_RESET_ON_FORK), attr.Flags)
	assert.Equal(t, uint32(unix.SizeofSchedAttr), attr.Size)
	for _, bad := range []specs.Scheduler{
		{Policy: "SCHED_X"},
		{Policy: specs.SchedOther, Nice: 20},
		{Policy: specs.SchedOther, Priority: 1},
		{Policy: specs.SchedFIFO, Runtime: 1},
		{Policy: specs.SchedOther, Flags: []specs.LinuxSchedulerFlag{"SCHED_FLAG_X"}},
	} {
		_, err := schedAttr(&bad)
		assert.Error(t, err, bad)
	}
	prio, err := ioprio(&specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 4})
	require.NoError(t, err)
	assert.Equal(t, 2<<13|4, prio)
	_, err = ioprio(&specs.LinuxIOPriority{Class: "IOPRIO_CLASS_NONE"})
	assert.Error(t, err)
	v, err := personality(&specs.LinuxPersonality{Domain: specs.PerLinux32})
	require.NoError(t, err)
	assert.Equal(t, uintptr(8), v)
}

func TestResourcesOfHugepagesAndUnified(t *testing.T) {
	k, tcp, idle := int64(1), int64(4096), int64(1)
	res, err := resourcesOf(&specs.LinuxResources{
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 4 << 20}, {Pagesize: "1GB"}},
		Unified:        map[string]string{"memory.high": "max"},
		Memory:         &specs.LinuxMemory{Kernel: &k, KernelTCP: &tcp},
		CPU:            &specs.LinuxCPU{Idle: &idle},
	})
	require.NoError(t, err)
	assert.Equal(t, []resources.HugepageLimit{{PageSize: "2MB", Limit: 4 << 20}, {PageSize: "1GB"}}, res.HugepageLimits)
	assert.Equal(t, map[string]string{"memory.high": "max"}, res.Unified)
	assert.Equal(t, int64(4096), res.KernelMemoryTCP)
	assert.Equal(t, &idle, res.CPUIdle)
	assert.True(t, res.HugetlbNeeded())
	for _, bad := range []string{"", "2", "../2MB", "2MB/x", "0MB", "2mb"} {
		_, err := resourcesOf(&specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: bad}}})
		assert.Error(t, err, bad)
	}
}

func TestCheckProcess(t *testing.T) {
	p := DefaultSpec().Process
	require.NoError(t, checkProcess(p))
	bad := *p
	bad.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_TEST"}}
	assert.ErrorContains(t, checkProcess(&bad), "RLIMIT_TEST")
	bad = *p
	// An unknown capability is ignored (with a warning), as runc 1.2+.
	bad.Capabilities = &specs.LinuxCapabilities{Bounding: []string{"CAP_TEST", "CAP_KILL"}}
	require.NoError(t, checkProcess(&bad))
	assert.Equal(t, []string{"CAP_KILL"}, bad.Capabilities.Bounding)
	bad = *p
	bad.Cwd = "relative"
	assert.Error(t, checkProcess(&bad))
	bad = *p
	bad.Args = nil
	assert.Error(t, checkProcess(&bad))
}

func TestCheckID(t *testing.T) {
	for _, ok := range []string{"a", "abc-1.2_3+x", "0f3e"} {
		assert.NoError(t, CheckID(ok), ok)
	}
	for _, bad := range []string{"", ".", "..", "a/b", "../x", "a b"} {
		assert.Error(t, CheckID(bad), bad)
	}
}

func TestDeviceRules(t *testing.T) {
	major, minor := int64(10), int64(229)
	rules, err := deviceRules([]specs.LinuxDeviceCgroup{
		{Allow: false, Access: "rwm"},
		{Allow: true, Type: "c", Major: &major, Minor: &minor, Access: "rw"},
	})
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.Equal(t, "c 10:229 rw", rules[0].String())

	rules, err = deviceRules(nil)
	require.NoError(t, err)
	assert.Nil(t, rules, "no list: every device allowed")

	_, err = deviceRules([]specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}, {Allow: false, Type: "c", Major: &major, Access: "w"}})
	assert.Error(t, err, "a deny after allows has no place in an allow list")

	implied := withImpliedDevices([]resources.DeviceRule{})
	assert.Contains(t, implied, resources.DeviceRule{Type: 'c', Major: 1, Minor: 3, Access: "rwm"}, "/dev/null")
	assert.NotContains(t, implied, resources.DeviceRule{Type: 'c', Major: 1, Minor: 11, Access: "rwm"}, "a node of linux.devices is not allowed by itself (runc's dev.bats: /dev/kmsg)")
	assert.Nil(t, withImpliedDevices(nil))
}

func TestCgroupPath(t *testing.T) {
	s := DefaultSpec()
	p, err := cgroupPath(s, "id1")
	require.NoError(t, err)
	assert.Equal(t, "mydocker-runc/id1", p)
	s.Linux.CgroupsPath = "/kubepods/../pod1/c1"
	p, err = cgroupPath(s, "id1")
	require.NoError(t, err)
	assert.Equal(t, "pod1/c1", p)
	s.Linux.CgroupsPath = "system.slice:crio:abc"
	_, err = cgroupPath(s, "id1")
	assert.ErrorContains(t, err, "systemd")
}

func TestPlanNamespaces(t *testing.T) {
	s := DefaultSpec()
	p, err := planNamespaces(s)
	require.NoError(t, err)
	assert.NotZero(t, p.clone&unix.CLONE_NEWNS)
	assert.Zero(t, p.unshare)

	// A user namespace joined by path: the new mount, UTS, IPC, network
	// and pid namespaces are made in it, by init's constructor, which
	// forks init into the new pid namespace.
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/self/ns/user"})
	p, err = planNamespaces(s)
	require.NoError(t, err)
	assert.Equal(t, uintptr(unix.CLONE_NEWNS|unix.CLONE_NEWUTS|unix.CLONE_NEWIPC|unix.CLONE_NEWNET|unix.CLONE_NEWPID), p.unshare)
	assert.True(t, p.forkInit())
	for i := range s.Linux.Namespaces {
		if s.Linux.Namespaces[i].Type == specs.PIDNamespace {
			s.Linux.Namespaces[i].Path = "/proc/self/ns/pid"
		}
	}
	p, err = planNamespaces(s)
	require.NoError(t, err)
	assert.Zero(t, p.clone&(unix.CLONE_NEWNS|unix.CLONE_NEWUSER|unix.CLONE_NEWPID))
	assert.Equal(t, uintptr(unix.CLONE_NEWNS|unix.CLONE_NEWUTS|unix.CLONE_NEWIPC|unix.CLONE_NEWNET), p.unshare)
	assert.Equal(t, "user:/proc/self/ns/user", p.initJoinList())
	assert.False(t, p.forkInit())

	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: "/proc/self/ns/uts"})
	_, err = planNamespaces(s)
	assert.Error(t, err, "network is listed twice")
	s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/proc/self/ns/uts"}}
	_, err = planNamespaces(s)
	assert.ErrorContains(t, err, "not a network namespace")
}

func TestDevLaterReadonly(t *testing.T) {
	s := DefaultSpec()
	mounts, later := devLaterReadonly(s.Mounts)
	assert.False(t, later)
	assert.Equal(t, s.Mounts, mounts)

	s.Mounts[1].Options = append(s.Mounts[1].Options, "ro") // /dev
	mounts, later = devLaterReadonly(s.Mounts)
	assert.True(t, later)
	assert.Equal(t, "/dev", mounts[1].Destination)
	assert.NotContains(t, mounts[1].Options, "ro")
	assert.Contains(t, s.Mounts[1].Options, "ro", "the spec is left as it is")
}

func TestDefaultSpecHasACgroupNamespaceOnV2Only(t *testing.T) {
	has := func(s *specs.Spec) bool {
		_, ok := namespace(s, specs.CgroupNamespace)
		return ok
	}
	assert.True(t, has(defaultSpec(true)))
	assert.False(t, has(defaultSpec(false)), "v1 and hybrid: the host's, as runc spec and docker")
}

// linux.memoryPolicy is checked as runc checks it, before anything is made.
func TestMemPolicy(t *testing.T) {
	mode, nodes, err := memPolicy(&specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0,2-3", Flags: []specs.MemoryPolicyFlagType{specs.MpolFStaticNodes}})
	require.NoError(t, err)
	assert.Equal(t, unix.MPOL_BIND|unix.MPOL_F_STATIC_NODES, mode)
	assert.Equal(t, 3, nodes.Count())
	assert.True(t, nodes.IsSet(2))
	for _, bad := range []specs.LinuxMemoryPolicy{
		{Mode: ""}, {Mode: "MPOL_ODD"}, {Mode: specs.MpolBind}, {Mode: specs.MpolBind, Nodes: "5000"},
		{Mode: specs.MpolLocal, Nodes: "0"}, {Mode: specs.MpolPreferred, Flags: []specs.MemoryPolicyFlagType{"MPOL_F_ODD"}},
	} {
		_, _, err := memPolicy(&bad)
		assert.ErrorContains(t, err, "linux.memoryPolicy", bad)
	}
	_, _, err = memPolicy(&specs.LinuxMemoryPolicy{Mode: specs.MpolPreferred})
	assert.NoError(t, err, "preferred takes no nodes too")
	assert.Nil(t, execMemPolicyParam(nil))
	assert.Equal(t, []string{"mempolicy=2:0,1"}, execMemPolicyParam(&specs.Linux{MemoryPolicy: &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0-1"}}))
}
