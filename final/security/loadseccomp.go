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
func LoadSeccomp(prog []byte) error {
	if len(prog) == 0 || len(prog)%8 != 0 {
		return errors.New("seccomp: not a BPF program")
	}
	fprog := unix.SockFprog{Len: uint16(len(prog) / 8), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	if _, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog))); errno != 0 {
		return fmt.Errorf("load the seccomp filter: %w", errno)
	}
	return nil
}
