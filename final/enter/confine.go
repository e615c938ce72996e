package enter

import (
	"strconv"

	"github.com/mydocker/mydocker/final/nsenter"
	"github.com/mydocker/mydocker/final/seccomp"
	"github.com/mydocker/mydocker/final/security"
	"github.com/mydocker/mydocker/final/state"
)

// confinement are the parameters that make exec's C code confine
// the command as init confines the container's: the same capabilities,
// no_new_privs and seccomp program, unless exec --privileged.
func confinement(root string, o state.SecurityOptions, privileged bool) (params, caps []string, err error) {
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
			if _, prog, err = seccomp.Program(root, o.Seccomp, caps); err != nil {
				return nil, nil, err
			}
		}
	}
	return []string{
		nsenter.ParamCaps + "=" + strconv.FormatUint(security.CapabilityMask(caps), 16),
		nsenter.ParamNNP + "=" + nnp, nsenter.ParamSeccomp + "=" + prog,
	}, caps, nil
}
