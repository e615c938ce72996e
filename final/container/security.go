package container

import (
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/seccomp"
	"github.com/mydocker/mydocker/final/security"
	"github.com/mydocker/mydocker/final/state"
)

// confinement works out what init is to apply, compiling the seccomp
// profile (cached under root) for the capabilities the container keeps.
func confinement(root string, o state.SecurityOptions) (initproc.Confinement, error) {
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
	c.Seccomp, _, err = seccomp.Program(root, o.Seccomp, caps)
	return c, err
}
