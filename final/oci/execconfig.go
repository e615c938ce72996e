package oci

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/nsenter"
	"github.com/mydocker/mydocker/final/seccomp"
	"github.com/mydocker/mydocker/final/security"
)

// execFiles are the descriptors exec hands the constructor: those passed
// to the process (--preserve-fds: fd 3 on), then its configuration, the
// write end of its report pipe, and the seccomp program, if the bundle
// has one.
type execFiles struct {
	passed                       []*os.File
	config, reportWrite, seccomp *os.File
	reportRead                   *os.File
}

// The constructor's descriptors, after the n passed ones.
func execConfigFd(n int) int  { return nsenter.ConfigFd + n }
func execReportFd(n int) int  { return nsenter.ConfigFd + n + 1 }
func execSeccompFd(n int) int { return nsenter.ConfigFd + n + 2 }

func (f execFiles) extra() []*os.File {
	own := []*os.File{f.config, f.reportWrite}
	if f.seccomp != nil {
		own = append(own, f.seccomp)
	}
	return append(slices.Clip(f.passed), own...)
}

// all are the ones exec made, and closes.
func (f execFiles) all() []*os.File {
	return []*os.File{f.config, f.reportWrite, f.seccomp, f.reportRead}
}

// execFiles makes them for process p: the seccomp program compiled from
// the bundle's linux.seccomp, the configuration from the process; passed
// go first.
func (c *Container) execFiles(p *specs.Process, o ExecOptions) (execFiles, error) {
	f := execFiles{passed: o.Passed}
	n := len(o.Passed)
	params, err := c.execParams(p, o)
	if err != nil {
		return f, err
	}
	if s := c.Spec.Linux.Seccomp; s != nil {
		prog, err := seccomp.Compile(c.root(), s)
		if err != nil {
			return f, err
		}
		if f.seccomp, err = nsenter.ProgramFile(prog); err != nil {
			return f, err
		}
		params = append(params, nsenter.ParamSeccompFd+"="+strconv.Itoa(execSeccompFd(n)))
		flags, err := seccomp.FilterFlags(s.Flags)
		if err != nil {
			return f, fmt.Errorf("config.json: %w", err)
		}
		if flags != 0 {
			params = append(params, nsenter.ParamSeccompFlags+"="+strconv.FormatUint(uint64(flags), 16))
		}
	}
	if f.config, err = nsenter.ConfigFile(params, p.Env); err != nil {
		closeAll(f.all())
		return f, err
	}
	if f.reportRead, f.reportWrite, err = os.Pipe(); err != nil {
		closeAll(f.all())
		return f, err
	}
	return f, nil
}

// execParams are the constructor's parameters for process p: init to
// enter and how, the user, the confinement, a session of its own (as
// runc gives every process it starts: no controlling terminal of the
// caller's stays with it, one it could type into with TIOCSTI), and the
// report.
func (c *Container) execParams(p *specs.Process, o ExecOptions) ([]string, error) {
	var names []string
	for _, t := range joinOrder {
		switch {
		case t == specs.TimeNamespace && hasNamespace(c.Spec, t):
			// Init itself is in the container's time namespace only
			// once it has executed the program (timens.go): its
			// children's is the one, created or running.
			names = append(names, "time_for_children")
		case hasNamespace(c.Spec, t):
			names = append(names, procName[t])
		}
	}
	dirs, err := c.execCgroups(o.SubCgroups)
	if err != nil {
		return nil, err
	}
	params := []string{
		nsenter.ParamPID + "=" + strconv.Itoa(c.Pid),
		nsenter.ParamStart + "=" + strconv.FormatUint(c.StartTime, 10),
		nsenter.ParamNS + "=" + strings.Join(names, ","),
		nsenter.ParamCgroups + "=" + strings.Join(dirs, ":"),
		nsenter.ParamSetsid + "=1",
		nsenter.ParamReport + "=" + strconv.Itoa(execReportFd(len(o.Passed))),
		nsenter.ParamPreserve + "=" + strconv.Itoa(len(o.Passed)),
		nsenter.ParamProg + "=mydocker-runc",
	}
	if p.Terminal {
		params = append(params, nsenter.ParamCtty+"=1")
	}
	params = append(params, execAffinityParams(p.ExecCPUAffinity)...)
	params = append(params, execProcAttrParams(p)...)
	params = append(params, execMemPolicyParam(c.Spec.Linux)...)
	confine, err := execConfinement(p)
	if err != nil {
		return nil, err
	}
	return append(append(params, execUser(p)...), confine...), nil
}

// joinOrder is the order the namespaces of a container are entered in:
// the user namespace first (the rights in the others come from it), the
// mount namespace last (after it, /proc is the container's).
var joinOrder = []specs.LinuxNamespaceType{
	specs.UserNamespace, specs.IPCNamespace, specs.UTSNamespace, specs.NetworkNamespace,
	specs.PIDNamespace, specs.CgroupNamespace, specs.TimeNamespace, specs.MountNamespace,
}

// execUser is who the process runs as, and where: numbers, as the spec
// gives them, and no supplementary group but its own.
func execUser(p *specs.Process) []string {
	u := p.User
	groups := make([]string, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = strconv.FormatUint(uint64(g), 10)
	}
	params := []string{
		nsenter.ParamUID + "=" + strconv.FormatUint(uint64(u.UID), 10),
		nsenter.ParamGID + "=" + strconv.FormatUint(uint64(u.GID), 10),
		nsenter.ParamGroups + "=" + strings.Join(groups, ","),
		nsenter.ParamCwd + "=" + p.Cwd,
	}
	if u.Umask != nil {
		params = append(params, nsenter.ParamUmask+"="+strconv.FormatUint(uint64(*u.Umask), 10))
	}
	return params
}

// execConfinement is the process's capability sets, rlimits, OOM score
// and no_new_privs.
func execConfinement(p *specs.Process) ([]string, error) {
	caps := p.Capabilities
	if caps == nil {
		caps = &specs.LinuxCapabilities{}
	}
	var params []string
	for key, names := range map[string][]string{
		nsenter.ParamCapBnd: caps.Bounding, nsenter.ParamCapEff: caps.Effective, nsenter.ParamCapPrm: caps.Permitted,
		nsenter.ParamCapInh: caps.Inheritable, nsenter.ParamCapAmb: caps.Ambient,
	} {
		mask, err := security.CapabilitySetMask(names)
		if err != nil {
			return nil, err
		}
		params = append(params, key+"="+strconv.FormatUint(mask, 16))
	}
	var limits []string
	for _, r := range p.Rlimits {
		limits = append(limits, fmt.Sprintf("%d:%d:%d", rlimitTypes[r.Type], r.Soft, r.Hard))
	}
	if len(limits) > 0 {
		params = append(params, nsenter.ParamRlimits+"="+strings.Join(limits, ","))
	}
	if p.OOMScoreAdj != nil {
		params = append(params, nsenter.ParamOOM+"="+strconv.Itoa(*p.OOMScoreAdj))
	}
	if p.NoNewPrivileges {
		params = append(params, nsenter.ParamNNP+"=1")
	}
	return params, nil
}
