package oci

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/nsenter"
)

// process.execCPUAffinity, as runc 1.3: "initial" is the CPUs the process
// runs on from its start, while it is set up (before it joins the
// container's cgroup: the runtime's work stays off the container's
// CPUs); "final" is the program's, set just before its execve. Without
// "final" the program is given every CPU, which the kernel cuts to the
// cgroup's cpuset: it never keeps the runtime's own affinity (a taskset
// of the caller's), as runc 1.3 resets it.

// cpuList parses a list of CPUs as the kernel writes them ("0-3,7").
func cpuList(field, list string) (unix.CPUSet, error) {
	set, ok := numberSet(list)
	if !ok {
		return set, fmt.Errorf("process.execCPUAffinity.%s %q: want CPUs as 0-3,7 (below %d)", field, list, setSize)
	}
	return set, nil
}

// setSize is how many numbers a unix.CPUSet holds (CPUs, or NUMA nodes).
const setSize = int(unsafe.Sizeof(unix.CPUSet{})) * 8

// numberSet parses a list as the kernel writes CPUs and nodes ("0-3,7").
func numberSet(list string) (unix.CPUSet, bool) {
	var set unix.CPUSet
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		first, err := strconv.Atoi(lo)
		last := first
		if err == nil && isRange {
			last, err = strconv.Atoi(hi)
		}
		if err != nil || first < 0 || last < first || last >= setSize {
			return set, false
		}
		for n := first; n <= last; n++ {
			set.Set(n)
		}
	}
	return set, true
}

// checkAffinity refuses, before anything is made, a list that is not one.
func checkAffinity(a *specs.CPUAffinity) error {
	if a == nil {
		return nil
	}
	for field, list := range map[string]string{"initial": a.Initial, "final": a.Final} {
		if list == "" {
			continue
		}
		if _, err := cpuList(field, list); err != nil {
			return err
		}
	}
	return nil
}

// startWithAffinity runs start (the fork of init) on a thread set to the
// initial CPUs, which the child inherits; the thread is given back as it
// was.
func startWithAffinity(a *specs.CPUAffinity, start func() error) error {
	if a == nil || a.Initial == "" {
		return start()
	}
	set, err := cpuList("initial", a.Initial)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var was unix.CPUSet
	if err := unix.SchedGetaffinity(0, &was); err != nil {
		return fmt.Errorf("read our CPU affinity: %w", err)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("set the initial CPU affinity %s: %w", a.Initial, err)
	}
	defer unix.SchedSetaffinity(0, &was) //nolint:errcheck // the thread had it
	return start()
}

// setFinalAffinity sets the calling thread, which is to exec the
// program, on the final CPUs, or on every CPU the cgroup allows.
func setFinalAffinity(a *specs.CPUAffinity) error {
	var set unix.CPUSet
	list := ""
	if a != nil {
		list = a.Final
	}
	if list == "" {
		for i := range set {
			set[i] = ^set[i] // all: the kernel keeps the cgroup's own
		}
	} else {
		var err error
		if set, err = cpuList("final", list); err != nil {
			return err
		}
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("set the CPU affinity %q: %w", list, err)
	}
	return nil
}

func execAffinity(p *specs.Process) *specs.CPUAffinity {
	if p == nil {
		return nil
	}
	return p.ExecCPUAffinity
}

// execAffinityParams are the constructor's CPU lists for exec's process:
// initial if given, final always ("all" without one: runc's reset).
func execAffinityParams(a *specs.CPUAffinity) []string {
	initial, final := "", "all"
	if a != nil {
		initial = a.Initial
		if a.Final != "" {
			final = a.Final
		}
	}
	params := []string{nsenter.ParamCPUFinal + "=" + final}
	if initial != "" {
		params = append(params, nsenter.ParamCPUInitial+"="+initial)
	}
	return params
}
