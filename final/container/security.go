package container

import (
	"errors"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/security"
	"github.com/mydocker/mydocker/final/state"
)

// errNoSeccompProgram is a start whose caller did not compile the seccomp
// program that the options ask for: the container is not started
// without it, rather than started unconfined.
var errNoSeccompProgram = errors.New("start: the seccomp program the container asks for was not compiled")

// confinement works out what init is to apply: the capabilities the
// container keeps, and prog, the seccomp program its caller compiled.
func confinement(o state.SecurityOptions, prog []byte) (initproc.Confinement, error) {
	caps, err := security.Capabilities(o.CapAdd, o.CapDrop, o.Privileged)
	if err != nil {
		return initproc.Confinement{}, err
	}
	c := initproc.Confinement{Capabilities: caps, NoNewPrivs: !o.NewPrivileges, Privileged: o.Privileged}
	if !WantsSeccomp(o) {
		return c, nil
	}
	if len(prog) == 0 {
		return c, errNoSeccompProgram
	}
	c.Seccomp = prog
	return c, nil
}

// WantsSeccomp tells whether a container with the options o is confined
// by a seccomp program: all are but --privileged ones (as docker) and
// those run with --security-opt seccomp=unconfined.
func WantsSeccomp(o state.SecurityOptions) bool {
	return !o.Privileged && o.Seccomp != "unconfined"
}
