package container

import (
	"fmt"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/nsenter"
	"github.com/mydocker/mydocker/final/oci"
	"github.com/mydocker/mydocker/final/security"
)

// Confinement is what init applies to the command, made by the monitor
// from the run's --privileged, --cap-add, --cap-drop and --security-opt:
// the capabilities it keeps, no_new_privs, the seccomp program (compiled,
// so init does not compile it), and whether /proc and /sys are masked.
type Confinement struct {
	Capabilities []string `json:"capabilities"`
	NoNewPrivs   bool     `json:"noNewPrivs,omitempty"`
	Seccomp      []byte   `json:"seccomp,omitempty"`
	Privileged   bool     `json:"privileged,omitempty"`
}

// SecurityOptions are the run's security flags, as given.
type SecurityOptions struct {
	Privileged bool     `json:"privileged,omitempty"`
	CapAdd     []string `json:"capAdd,omitempty"`
	CapDrop    []string `json:"capDrop,omitempty"`
	// Seccomp is "" for docker's default profile, "unconfined", or a file.
	Seccomp string `json:"seccomp,omitempty"`
	// NewPrivileges turns no_new_privs off (--security-opt
	// no-new-privileges=false): setuid binaries work again inside.
	NewPrivileges bool `json:"newPrivileges,omitempty"`
}

// confinement works out what init is to apply, compiling the seccomp
// profile (cached under root) for the capabilities the container keeps.
func confinement(root string, o SecurityOptions) (Confinement, error) {
	caps, err := security.Capabilities(o.CapAdd, o.CapDrop, o.Privileged)
	if err != nil {
		return Confinement{}, err
	}
	c := Confinement{Capabilities: caps, NoNewPrivs: !o.NewPrivileges, Privileged: o.Privileged}
	if o.Privileged {
		return c, nil // no seccomp, as docker's --privileged
	}
	if o.Seccomp == "unconfined" {
		return c, nil
	}
	c.Seccomp, _, err = security.SeccompProgram(root, o.Seccomp, caps)
	return c, err
}

// execConfinement are the parameters that make exec's C code confine
// the command as init confines the container's: the same capabilities,
// no_new_privs and seccomp program, unless exec --privileged.
func execConfinement(root string, o SecurityOptions, privileged bool) (params, caps []string, err error) {
	if privileged {
		o.Privileged = true
	}
	caps, err = security.Capabilities(o.CapAdd, o.CapDrop, o.Privileged)
	if err != nil {
		return nil, nil, err
	}
	nnp := "1"
	if o.NewPrivileges {
		nnp = "0"
	}
	prog := ""
	if !o.Privileged {
		if o.Seccomp != "unconfined" {
			if _, prog, err = security.SeccompProgram(root, o.Seccomp, caps); err != nil {
				return nil, nil, err
			}
		}
	}
	return []string{
		nsenter.ParamCaps + "=" + strconv.FormatUint(security.CapabilityMask(caps), 16),
		nsenter.ParamNNP + "=" + nnp, nsenter.ParamSeccomp + "=" + prog,
	}, caps, nil
}

// hideFromContainer masks and makes read-only what docker does, in the new
// root with /proc and /sys mounted; --privileged keeps them all.
func hideFromContainer(c Confinement) error {
	if c.Privileged {
		return nil
	}
	if err := security.MaskPaths(security.MaskedPaths); err != nil {
		return err
	}
	return security.MakeReadonly(security.ReadonlyPaths)
}

// dropPrivileges is init's next-to-last step, in the order the
// kernel's rules force. Capabilities, no_new_privs and seccomp belong to
// the thread (init is locked to one, the one that executes the command).
// The bounding set is cut first, while we still have CAP_SETPCAP; the
// capabilities are kept across the switch to the user (which would clear
// them) and then set exactly; no_new_privs comes before seccomp, which
// needs it from a process without CAP_SYS_ADMIN; and seccomp comes last,
// since the profile may forbid what the steps before it do.
func dropPrivileges(c Confinement, cred credential) error {
	// Without no_new_privs the kernel loads a filter only for a holder of
	// CAP_SYS_ADMIN: then seccomp comes first, while we are still root
	// (as runc does), and the filter also sees the steps below, which
	// docker's profile allows.
	if !c.NoNewPrivs && len(c.Seccomp) > 0 {
		if err := security.LoadSeccomp(c.Seccomp); err != nil {
			return err
		}
	}
	return oci.BecomeProcess(specProcess(c, cred))
}

// specProcess is the container's user and capabilities as an OCI spec's
// process, for the code that switches a bundle's init (oci.BecomeProcess):
// docker's capabilities in the bounding set, and in the permitted and
// effective sets for root only (a user other than root keeps them in the
// bounding set alone); none inheritable or ambient. With no supplementary
// groups of its own, the user has its primary group as one, as under
// docker: id shows groups=GID.
func specProcess(c Confinement, cred credential) *specs.Process {
	groups := cred.groups
	if len(groups) == 0 {
		groups = []int{cred.gid}
	}
	p := &specs.Process{
		User:         specs.User{UID: uint32(cred.uid), GID: uint32(cred.gid)},
		Capabilities: &specs.LinuxCapabilities{Bounding: c.Capabilities},
	}
	for _, g := range groups {
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(g))
	}
	if cred.uid == 0 {
		p.Capabilities.Effective, p.Capabilities.Permitted = c.Capabilities, c.Capabilities
	}
	return p
}

// lockDown sets no_new_privs and loads the seccomp filter: the very last
// things before the exec.
func lockDown(c Confinement) error {
	if c.NoNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", err)
		}
	}
	if c.NoNewPrivs && len(c.Seccomp) > 0 {
		return security.LoadSeccomp(c.Seccomp)
	}
	return nil
}
