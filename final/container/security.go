package container

import (
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/security"
)

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
func confinement(root string, o SecurityOptions) (initproc.Confinement, error) {
	caps, err := security.Capabilities(o.CapAdd, o.CapDrop, o.Privileged)
	if err != nil {
		return initproc.Confinement{}, err
	}
	c := initproc.Confinement{Capabilities: caps, NoNewPrivs: !o.NewPrivileges, Privileged: o.Privileged}
	if o.Privileged {
		return c, nil // no seccomp, as docker's --privileged
	}
	if o.Seccomp == "unconfined" {
		return c, nil
	}
	c.Seccomp, _, err = security.SeccompProgram(root, o.Seccomp, caps)
	return c, err
}
