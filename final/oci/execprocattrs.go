package oci

import (
	"fmt"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/nsenter"
)

// exec's process gets process.scheduler, process.ioPriority and
// process.apparmorProfile as init's does (procattrs.go, apparmor.go):
// checked and encoded here by the same functions, set by the
// constructor's child (nsenter/procattrs.c) on itself in the container,
// just before it drops its capabilities and loads the seccomp filter,
// since no Go runs there.

// inheritProcAttrs gives a --process without its own the container's
// scheduler, I/O priority, AppArmor profile and CPU affinity, as runc's
// exec does (its process overrides the config's field by field).
func inheritProcAttrs(p, config *specs.Process) {
	if config == nil {
		return
	}
	if p.Scheduler == nil {
		p.Scheduler = config.Scheduler
	}
	if p.IOPriority == nil {
		p.IOPriority = config.IOPriority
	}
	if p.ApparmorProfile == "" {
		p.ApparmorProfile = config.ApparmorProfile
	}
	if p.ExecCPUAffinity == nil {
		p.ExecCPUAffinity = config.ExecCPUAffinity
	}
}

// execProcAttrParams are the constructor's parameters for them: the
// scheduler as sched_setattr(2)'s fields, the I/O priority as
// ioprio_set(2) takes it, and the profile where the kernel has AppArmor
// (ignored where not, as at create). p was checked (checkProcess).
func execProcAttrParams(p *specs.Process) []string {
	var params []string
	if p.Scheduler != nil {
		a, _ := schedAttr(p.Scheduler)
		params = append(params, nsenter.ParamSched+"="+fmt.Sprintf("%d:%d:%d:%d:%d:%d:%d",
			a.Policy, a.Flags, a.Nice, a.Priority, a.Runtime, a.Deadline, a.Period))
	}
	if p.IOPriority != nil {
		prio, _ := ioprio(p.IOPriority)
		params = append(params, nsenter.ParamIOPrio+"="+strconv.Itoa(prio))
	}
	if profile := appArmorProfile(p.ApparmorProfile); profile != "" {
		params = append(params, nsenter.ParamAppArmor+"="+profile)
	}
	return params
}
