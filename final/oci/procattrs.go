package oci

import (
	"errors"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The process attributes below are the calling thread's and survive
// execve: init sets them on its locked thread just before it drops its
// capabilities (a real-time policy or I/O class needs CAP_SYS_NICE, or
// CAP_SYS_ADMIN for the real-time I/O class) and installs the seccomp
// filter (which may deny the calls), as runc does.

var schedPolicies = map[specs.LinuxSchedulerPolicy]uint32{
	specs.SchedOther: 0, specs.SchedFIFO: 1, specs.SchedRR: 2, specs.SchedBatch: 3,
	specs.SchedISO: 4, specs.SchedIdle: 5, specs.SchedDeadline: 6,
}

var schedFlags = map[specs.LinuxSchedulerFlag]uint64{
	specs.SchedFlagResetOnFork: 0x1, specs.SchedFlagReclaim: 0x2, specs.SchedFlagDLOverrun: 0x4,
	specs.SchedFlagKeepPolicy: 0x8, specs.SchedFlagKeepParams: 0x10,
	specs.SchedFlagUtilClampMin: 0x20, specs.SchedFlagUtilClampMax: 0x40,
}

var ioprioClasses = map[specs.IOPriorityClass]int{
	specs.IOPRIO_CLASS_RT: 1, specs.IOPRIO_CLASS_BE: 2, specs.IOPRIO_CLASS_IDLE: 3,
}

var personalities = map[specs.LinuxPersonalityDomain]uintptr{
	specs.PerLinux: 0x0000, specs.PerLinux32: 0x0008,
}

// schedAttr checks process.scheduler as runc does and turns it into
// sched_setattr(2)'s argument.
func schedAttr(s *specs.Scheduler) (*unix.SchedAttr, error) {
	policy, ok := schedPolicies[s.Policy]
	if !ok {
		return nil, fmt.Errorf("process.scheduler.policy %q is not a scheduling policy", s.Policy)
	}
	if s.Nice < -20 || s.Nice > 19 {
		return nil, fmt.Errorf("process.scheduler.nice %d: want -20 to 19", s.Nice)
	}
	if s.Priority != 0 && s.Policy != specs.SchedFIFO && s.Policy != specs.SchedRR {
		return nil, errors.New("process.scheduler.priority can only be specified for SCHED_FIFO or SCHED_RR")
	}
	if s.Policy != specs.SchedDeadline && (s.Runtime != 0 || s.Deadline != 0 || s.Period != 0) {
		return nil, errors.New("process.scheduler runtime, deadline and period can only be specified for SCHED_DEADLINE")
	}
	attr := &unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: policy, Nice: s.Nice, Priority: uint32(s.Priority),
		Runtime: s.Runtime, Deadline: s.Deadline, Period: s.Period}
	for _, f := range s.Flags {
		bit, ok := schedFlags[f]
		if !ok {
			return nil, fmt.Errorf("process.scheduler.flags: %q is not a scheduler flag", f)
		}
		attr.Flags |= bit
	}
	return attr, nil
}

// ioprio checks process.ioPriority and encodes it as ioprio_set(2) takes
// it: the class in the top bits, the level (0 to 7) below.
func ioprio(p *specs.LinuxIOPriority) (int, error) {
	class, ok := ioprioClasses[p.Class]
	if !ok {
		return 0, fmt.Errorf("process.ioPriority.class %q: want IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE", p.Class)
	}
	if p.Priority < 0 || p.Priority > 7 {
		return 0, fmt.Errorf("process.ioPriority.priority %d: want 0 to 7", p.Priority)
	}
	return class<<13 | p.Priority, nil
}

// personality checks linux.personality: its domain LINUX or LINUX32;
// the flags, of which the spec defines none, are ignored, as runc does.
func personality(p *specs.LinuxPersonality) (uintptr, error) {
	v, ok := personalities[p.Domain]
	if !ok {
		return 0, fmt.Errorf("linux.personality.domain %q: want LINUX or LINUX32", p.Domain)
	}
	return v, nil
}

// checkProcAttrs refuses, before anything is made, what setProcAttrs
// could not set.
func checkProcAttrs(s *specs.Spec) error {
	if l := s.Linux; l != nil && l.Personality != nil {
		if _, err := personality(l.Personality); err != nil {
			return err
		}
	}
	if l := s.Linux; l != nil && l.MemoryPolicy != nil {
		if _, _, err := memPolicy(l.MemoryPolicy); err != nil {
			return err
		}
	}
	p := s.Process
	if p == nil {
		return nil
	}
	if err := checkSchedIO(p); err != nil {
		return err
	}
	return checkAffinity(p.ExecCPUAffinity)
}

// checkSchedIO refuses a process.scheduler or process.ioPriority that
// could not be set: the container's process at create, exec's at exec.
func checkSchedIO(p *specs.Process) error {
	if p.Scheduler != nil {
		if _, err := schedAttr(p.Scheduler); err != nil {
			return err
		}
	}
	if p.IOPriority != nil {
		if _, err := ioprio(p.IOPriority); err != nil {
			return err
		}
	}
	return nil
}

// setProcAttrs sets linux.personality, linux.memoryPolicy,
// process.execCPUAffinity's final CPUs, process.scheduler and
// process.ioPriority on the calling thread, which is to exec the
// container's program.
func setProcAttrs(s *specs.Spec) error {
	if l := s.Linux; l != nil && l.Personality != nil {
		v, _ := personality(l.Personality)
		if _, _, errno := unix.RawSyscall(unix.SYS_PERSONALITY, v, 0, 0); errno != 0 {
			return fmt.Errorf("set the personality %s: %w", l.Personality.Domain, errno)
		}
	}
	if err := setMemPolicy(s.Linux); err != nil {
		return err
	}
	p := s.Process
	if p == nil {
		return nil
	}
	if err := setFinalAffinity(p.ExecCPUAffinity); err != nil {
		return err
	}
	if p.Scheduler != nil {
		attr, _ := schedAttr(p.Scheduler)
		if err := unix.SchedSetAttr(0, attr, 0); err != nil {
			return fmt.Errorf("set the scheduler %s: %w", p.Scheduler.Policy, err)
		}
	}
	if p.IOPriority != nil {
		prio, _ := ioprio(p.IOPriority)
		const whoProcess = 1 // IOPRIO_WHO_PROCESS; who 0 is the calling thread
		if _, _, errno := unix.RawSyscall(unix.SYS_IOPRIO_SET, whoProcess, 0, uintptr(prio)); errno != 0 {
			return fmt.Errorf("set the I/O priority %s %d: %w", p.IOPriority.Class, p.IOPriority.Priority, errno)
		}
	}
	return nil
}
