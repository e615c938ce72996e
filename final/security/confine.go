package security

import (
	"fmt"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Confinement is what a container's process is confined by: the same
// for mydocker run's init (package container), a bundle's init and
// mydocker-runc exec (package oci). (mydocker exec's confinement is set
// by nsenter's C code, from CapabilityMask and seccomp.Program's file.)
type Confinement struct {
	User specs.User
	// Capabilities are the sets the process ends with; nil: none at all.
	Capabilities *specs.LinuxCapabilities
	NoNewPrivs   bool
	// Seccomp is the compiled program (package seccomp: Program, Compile);
	// nil: no filter.
	Seccomp []byte
	// SeccompFlags are seccomp(2)'s SECCOMP_FILTER_FLAG_* for the filter
	// (a bundle's linux.seccomp.flags, seccomp.FilterFlags).
	SeccompFlags uint
	// Own are our capabilities as OwnCapabilities read them, for a caller
	// that loses /proc before Confine; nil: read by Confine.
	Own capability.Capabilities
}

// Confine switches the calling thread to the confinement and executes
// the program: asUser runs once the process is the user (the caller's
// steps whose permission checks are the user's: working directory,
// finding the program, waiting for start), exec last (it returns only on
// failure). Capabilities, no_new_privs and seccomp are a thread's: the
// caller is locked to the thread that executes. The order is the
// kernel's:
//
//  1. Without no_new_privs, the kernel loads a filter only for a holder
//     of CAP_SYS_ADMIN: the filter comes first, while we are still root
//     (the filter then also sees the steps below, which docker's profile
//     allows).
//  2. The bounding set is cut while we still hold CAP_SETPCAP.
//  3. PR_SET_KEEPCAPS, then groups, gid and uid: the uid switch would
//     clear every capability without it.
//  4. The effective, permitted, inheritable and ambient sets are set
//     exactly, and keep-caps is turned off again.
//  5. asUser.
//  6. no_new_privs: from here on no exec gains privileges (set-uid
//     binaries, file capabilities).
//  7. With no_new_privs, the filter last, just before execve: the
//     profile may forbid what the steps before it do.
//  8. exec.
func Confine(c Confinement, asUser, exec func() error) error {
	own := c.Own
	if own == nil {
		var err error
		if own, err = OwnCapabilities(); err != nil {
			return err
		}
	}
	if !c.NoNewPrivs && len(c.Seccomp) > 0 {
		if err := LoadSeccompFlags(c.Seccomp, c.SeccompFlags); err != nil {
			return err
		}
	}
	if err := become(c, own); err != nil {
		return err
	}
	if asUser != nil {
		if err := asUser(); err != nil {
			return err
		}
	}
	if c.NoNewPrivs {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("set no_new_privs: %w", err)
		}
		if len(c.Seccomp) > 0 {
			if err := LoadSeccompFlags(c.Seccomp, c.SeccompFlags); err != nil {
				return err
			}
		}
	}
	return exec()
}

// become is steps 2 to 4 of Confine, on our capabilities set.
func become(c Confinement, set capability.Capabilities) error {
	caps := c.Capabilities
	if caps == nil {
		caps = &specs.LinuxCapabilities{}
	}
	if err := cutBounding(set, caps); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("keep capabilities across setuid: %w", err)
	}
	if err := switchUser(c.User); err != nil {
		return err
	}
	if err := setCapabilities(set, caps); err != nil {
		return err
	}
	return unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0)
}
