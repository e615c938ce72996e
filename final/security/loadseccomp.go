package security

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// LoadSeccomp installs prog on this thread, which must have no_new_privs
// set (or CAP_SYS_ADMIN): from here on the kernel checks each system call
// of this thread and of what it executes.
func LoadSeccomp(prog []byte) error { return LoadSeccompFlags(prog, 0) }

// LoadSeccompFlags is LoadSeccomp with seccomp(2)'s filter flags
// (SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW).
func LoadSeccompFlags(prog []byte, flags uint) error {
	if len(prog) == 0 || len(prog)%8 != 0 {
		return errors.New("seccomp: not a BPF program")
	}
	fprog := unix.SockFprog{Len: uint16(len(prog) / 8), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), uintptr(unsafe.Pointer(&fprog))); errno != 0 {
		return fmt.Errorf("load the seccomp filter: %w", errno)
	}
	return nil
}
