package oci

import (
	"fmt"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/nsenter"
)

// linux.memoryPolicy (runtime-spec 1.3, runc 1.3): the NUMA memory policy
// of the container's processes, set with set_mempolicy(2) by init on the
// thread that executes the program (the policy is a thread's, and an
// execve keeps it), and by exec's child on itself. Checked as runc does.

var memPolicyModes = map[specs.MemoryPolicyModeType]int{
	specs.MpolDefault: unix.MPOL_DEFAULT, specs.MpolBind: unix.MPOL_BIND,
	specs.MpolInterleave: unix.MPOL_INTERLEAVE, specs.MpolWeightedInterleave: unix.MPOL_WEIGHTED_INTERLEAVE,
	specs.MpolPreferred: unix.MPOL_PREFERRED, specs.MpolPreferredMany: unix.MPOL_PREFERRED_MANY,
	specs.MpolLocal: unix.MPOL_LOCAL,
}

var memPolicyFlags = map[specs.MemoryPolicyFlagType]int{
	specs.MpolFNumaBalancing: unix.MPOL_F_NUMA_BALANCING, specs.MpolFRelativeNodes: unix.MPOL_F_RELATIVE_NODES,
	specs.MpolFStaticNodes: unix.MPOL_F_STATIC_NODES,
}

// memPolicy is set_mempolicy(2)'s mode (with its flags) and node mask.
func memPolicy(m *specs.LinuxMemoryPolicy) (int, unix.CPUSet, error) {
	var nodes unix.CPUSet
	mode, ok := memPolicyModes[m.Mode]
	if !ok {
		return 0, nodes, fmt.Errorf("linux.memoryPolicy: invalid memory policy mode %q", m.Mode)
	}
	if m.Nodes != "" {
		if nodes, ok = numberSet(m.Nodes); !ok {
			return 0, nodes, fmt.Errorf("linux.memoryPolicy: invalid memory policy nodes %q: want nodes as 0-3,7 (below %d)", m.Nodes, setSize)
		}
	}
	switch n := nodes.Count(); mode {
	case unix.MPOL_DEFAULT, unix.MPOL_LOCAL:
		if n != 0 {
			return 0, nodes, fmt.Errorf("linux.memoryPolicy: mode %s takes no nodes, got %d", m.Mode, n)
		}
	case unix.MPOL_BIND, unix.MPOL_INTERLEAVE, unix.MPOL_PREFERRED_MANY, unix.MPOL_WEIGHTED_INTERLEAVE:
		if n == 0 {
			return 0, nodes, fmt.Errorf("linux.memoryPolicy: mode %s needs at least one node", m.Mode)
		}
	}
	for _, f := range m.Flags {
		flag, ok := memPolicyFlags[f]
		if !ok {
			return 0, nodes, fmt.Errorf("linux.memoryPolicy: invalid memory policy flag %q", f)
		}
		mode |= flag
	}
	return mode, nodes, nil
}

// setMemPolicy sets it on the calling thread.
func setMemPolicy(l *specs.Linux) error {
	if l == nil || l.MemoryPolicy == nil {
		return nil
	}
	mode, nodes, _ := memPolicy(l.MemoryPolicy)
	if err := unix.SetMemPolicy(mode, &nodes); err != nil {
		return fmt.Errorf("set the memory policy %s %q: %w", l.MemoryPolicy.Mode, l.MemoryPolicy.Nodes, err)
	}
	return nil
}

// execMemPolicyParam is exec's child's: "MODE:NODE,NODE...".
func execMemPolicyParam(l *specs.Linux) []string {
	if l == nil || l.MemoryPolicy == nil {
		return nil
	}
	mode, nodes, _ := memPolicy(l.MemoryPolicy)
	var list []string
	for n := range setSize {
		if nodes.IsSet(n) {
			list = append(list, strconv.Itoa(n))
		}
	}
	return []string{nsenter.ParamMemPolicy + "=" + strconv.Itoa(mode) + ":" + strings.Join(list, ",")}
}
