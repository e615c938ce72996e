package seccomp

import (
	"errors"
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The kernel's filter flags that a profile may name (linux.seccomp.flags),
// as runc knows them.
const (
	flagTsync            = "SECCOMP_FILTER_FLAG_TSYNC"
	flagLog              = "SECCOMP_FILTER_FLAG_LOG"
	flagSpecAllow        = "SECCOMP_FILTER_FLAG_SPEC_ALLOW"
	flagWaitKillableRecv = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
)

// KnownFlags are the flags this runtime reads (features' knownFlags).
func KnownFlags() []string {
	return []string{flagTsync, flagLog, flagSpecAllow, flagWaitKillableRecv}
}

// kernelFlags are the flags as seccomp(2) takes them. TSYNC and
// WAIT_KILLABLE_RECV are accepted and not passed on: TSYNC as runc (the
// filter goes on the thread that executes the program, which is then the
// process's only one); WAIT_KILLABLE_RECV is about a notify listener,
// which this runtime does not make (linux.seccomp.listenerPath is
// refused), and the kernel refuses it without one: it is probed with
// NEW_LISTENER, which it needs.
var kernelFlags = map[string]struct {
	probe, pass uint
}{
	flagTsync:            {unix.SECCOMP_FILTER_FLAG_TSYNC, 0},
	flagLog:              {unix.SECCOMP_FILTER_FLAG_LOG, unix.SECCOMP_FILTER_FLAG_LOG},
	flagSpecAllow:        {unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW, unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	flagWaitKillableRecv: {unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | unix.SECCOMP_FILTER_FLAG_NEW_LISTENER, 0},
}

// SupportedFlags are the known flags this kernel has (features'
// supportedFlags).
func SupportedFlags() []string {
	var list []string
	for _, name := range KnownFlags() {
		if kernelHas(kernelFlags[name].probe) {
			list = append(list, name)
		}
	}
	return list
}

// FilterFlags are a profile's flags as seccomp(2) takes them when the
// filter is loaded; a flag unknown, or one this kernel lacks, is refused
// (a filter loaded without it would not be the one asked for).
func FilterFlags(names []specs.LinuxSeccompFlag) (uint, error) {
	var flags uint
	for _, n := range names {
		f, ok := kernelFlags[string(n)]
		if !ok {
			return 0, fmt.Errorf("linux.seccomp.flags: %q is not a flag this runtime knows", n)
		}
		if !kernelHas(f.probe) {
			return 0, fmt.Errorf("linux.seccomp.flags: %q is not supported by this kernel", n)
		}
		flags |= f.pass
	}
	return flags, nil
}

// kernelHas reports whether seccomp(2) takes the flags: with no program
// (NULL) a kernel that knows them fails with EFAULT, one that does not
// with EINVAL, before anything is loaded.
func kernelHas(flags uint) bool {
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, uintptr(flags), 0)
	return errors.Is(errno, unix.EFAULT)
}
