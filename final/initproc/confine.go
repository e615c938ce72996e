package initproc

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/internal/passwd"
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

// confinementOf is the container's confinement as init applies it
// (security.Confine, which keeps the kernel's order): the user, docker's
// capabilities in the bounding set, and in the permitted and effective
// sets for root only (a user other than root keeps them in the bounding
// set alone); none inheritable or ambient; no_new_privs and the seccomp
// program. With no supplementary groups of its own, the user has its
// primary group as one, as under docker: id shows groups=GID.
func confinementOf(c Confinement, cred passwd.Credential) security.Confinement {
	groups := cred.Groups
	if len(groups) == 0 {
		groups = []int{cred.GID}
	}
	out := security.Confinement{
		User:         specs.User{UID: uint32(cred.UID), GID: uint32(cred.GID)},
		Capabilities: &specs.LinuxCapabilities{Bounding: c.Capabilities},
		NoNewPrivs:   c.NoNewPrivs,
		Seccomp:      c.Seccomp,
	}
	for _, g := range groups {
		out.User.AdditionalGids = append(out.User.AdditionalGids, uint32(g))
	}
	if cred.UID == 0 {
		out.Capabilities.Effective, out.Capabilities.Permitted = c.Capabilities, c.Capabilities
	}
	return out
}
