package main

import (
	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/seccomp"
	"github.com/mydocker/mydocker/final/security"
	"github.com/mydocker/mydocker/final/state"
)

// seccompProgram compiles the seccomp program of a container with the
// security options o (cached under root), or nil for one that has none
// (--privileged, seccomp=unconfined). The CLI compiles it for every
// start, and hands it to the monitor with the request: the monitor is a
// small static binary without libseccomp (cmd/mydocker-monitor).
func seccompProgram(root string, o state.SecurityOptions) ([]byte, error) {
	if !container.WantsSeccomp(o) {
		return nil, nil
	}
	caps, err := security.Capabilities(o.CapAdd, o.CapDrop, o.Privileged)
	if err != nil {
		return nil, err
	}
	prog, _, err := seccomp.Program(root, o.Seccomp, caps)
	return prog, err
}
