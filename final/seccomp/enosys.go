package seccomp

import (
	"encoding/binary"
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// A system call newer than the profile answers ENOSYS, not the profile's
// default EPERM. A profile lists the calls it knows by name, and libseccomp
// knows the numbers of the names of its own day: a call added to the kernel
// later (fchmodat2, mseal, ...) is one neither knows, and falls to the
// default action. glibc tries such a call first and falls back to the old
// one on ENOSYS, "the kernel does not have it"; on EPERM it gives up, and
// the program fails. So, as runc does, a stub before libseccomp's program
// answers ENOSYS to every number above the highest one the profile names,
// per architecture. The kernel would answer the same without a filter, so
// no call is let through that the profile would refuse: only the errno
// changes. A gap below that number (a call the profile does not name, newer
// than some it does) still gets the default action.
//
// The stub, seccomp_data's arch at offset 4 and nr at 0:
//
//	ld  [4]
//	jeq ARCH, 0, skip       one block per architecture of the profile
//	ld  [0]
//	jgt MAX, enosys, filter (x86_64: x32's calls, bit 30 set, have theirs)
//	ja  filter
//	ret ERRNO(ENOSYS)
//	...                     the next block, or libseccomp's program

// enosysStubVersion is in the cache key of compiled programs: a change to
// the stub is a new program.
const enosysStubVersion = "enosys stub 1"

const (
	x32SyscallBit = 1 << 30
	bpfMaxInsns   = 4096 // BPF_MAXINSNS: the kernel refuses longer programs
)

// BPF instructions (linux/filter.h).
func stmt(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }

func jump(code uint16, k uint32, jt, jf uint8) unix.SockFilter {
	return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
}

var (
	loadNr     = stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, 0)
	loadArch   = stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, 4)
	retENOSYS  = stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOSYS))
	jaToFilter = stmt(unix.BPF_JMP|unix.BPF_JA, 0) // K set once the stub's length is known
)

// auditArch is the kernel's AUDIT_ARCH_ of a libseccomp architecture, as
// seccomp_data.arch says it; x32 shares x86_64's (its calls have bit 30
// set). An architecture not here gets no stub: its unknown calls keep the
// default action.
var auditArch = map[libseccomp.ScmpArch]uint32{
	libseccomp.ArchX86:     unix.AUDIT_ARCH_I386,
	libseccomp.ArchAMD64:   unix.AUDIT_ARCH_X86_64,
	libseccomp.ArchX32:     unix.AUDIT_ARCH_X86_64,
	libseccomp.ArchARM:     unix.AUDIT_ARCH_ARM,
	libseccomp.ArchARM64:   unix.AUDIT_ARCH_AARCH64,
	libseccomp.ArchPPC64:   unix.AUDIT_ARCH_PPC64,
	libseccomp.ArchPPC64LE: unix.AUDIT_ARCH_PPC64LE,
	libseccomp.ArchS390:    unix.AUDIT_ARCH_S390,
	libseccomp.ArchS390X:   unix.AUDIT_ARCH_S390X,
	libseccomp.ArchRISCV64: unix.AUDIT_ARCH_RISCV64,
}

// lastSyscalls is, per AUDIT_ARCH and libseccomp architecture, the highest
// number of a call the profile names (whatever its action).
func lastSyscalls(profile *specs.LinuxSeccomp) (map[uint32]map[libseccomp.ScmpArch]uint32, error) {
	var arches []libseccomp.ScmpArch
	for _, a := range profile.Architectures {
		arch, err := libseccomp.GetArchFromString(strings.ToLower(strings.TrimPrefix(string(a), "SCMP_ARCH_")))
		if err != nil {
			return nil, fmt.Errorf("seccomp: architecture %s: %w", a, err)
		}
		arches = append(arches, arch)
	}
	if len(arches) == 0 { // the filter is the native architecture's alone
		native, err := libseccomp.GetNativeArch()
		if err != nil {
			return nil, fmt.Errorf("seccomp: %w", err)
		}
		arches = append(arches, native)
	}
	last := map[uint32]map[libseccomp.ScmpArch]uint32{}
	for _, arch := range arches {
		audit, ok := auditArch[arch]
		if !ok {
			continue
		}
		var highest uint32
		for _, sc := range profile.Syscalls {
			for _, name := range sc.Names {
				nr, err := libseccomp.GetSyscallFromNameByArch(name, arch)
				// A negative number is libseccomp's stand-in for a call
				// the architecture does not have (socketcall's, say).
				if err == nil && nr >= 0 && uint32(nr) > highest {
					highest = uint32(nr)
				}
			}
		}
		if highest == 0 {
			continue
		}
		if last[audit] == nil {
			last[audit] = map[libseccomp.ScmpArch]uint32{}
		}
		last[audit][arch] = highest
	}
	return last, nil
}

// enosysStub is the stub for the profile, nil when its default action lets
// an unknown call reach the kernel anyway (which answers ENOSYS itself).
func enosysStub(profile *specs.LinuxSeccomp) ([]unix.SockFilter, error) {
	switch profile.DefaultAction {
	case specs.ActAllow, specs.ActLog, specs.ActTrace: // a tracer handles new calls itself
		return nil, nil
	}
	last, err := lastSyscalls(profile)
	if err != nil || len(last) == 0 {
		return nil, err
	}
	stub := []unix.SockFilter{loadArch}
	// In a fixed order, so that the same profile is the same program.
	for _, audit := range []uint32{unix.AUDIT_ARCH_X86_64, unix.AUDIT_ARCH_I386, unix.AUDIT_ARCH_AARCH64, unix.AUDIT_ARCH_ARM,
		unix.AUDIT_ARCH_PPC64LE, unix.AUDIT_ARCH_PPC64, unix.AUDIT_ARCH_S390X, unix.AUDIT_ARCH_S390, unix.AUDIT_ARCH_RISCV64} {
		if maxes := last[audit]; maxes != nil {
			stub = append(stub, archBlock(audit, maxes)...)
		}
	}
	// Every "ja filter" jumps to the first instruction after the stub.
	for i := range stub {
		if stub[i] == jaToFilter {
			stub[i].K = uint32(len(stub) - i - 1)
		}
	}
	return stub, nil
}

// Targets of a block's jumps, resolved once its length is known.
const (
	toNext   = 0
	toENOSYS = -1
	toFilter = -2
)

type pending struct {
	insn   unix.SockFilter
	jt, jf int // toNext, a count of instructions to skip, toENOSYS or toFilter
}

// archBlock is one architecture's part of the stub: its checks of the
// call number, then "ja filter" and "ret ENOSYS", the targets of their
// jumps. The block is entered with the arch in A, and skipped as a whole
// when it is another.
func archBlock(audit uint32, maxes map[libseccomp.ScmpArch]uint32) []unix.SockFilter {
	jgt := func(highest uint32) pending {
		return pending{jump(unix.BPF_JMP|unix.BPF_JGT|unix.BPF_K, highest, 0, 0), toENOSYS, toFilter}
	}
	body := []pending{{insn: loadNr}}
	switch audit {
	case unix.AUDIT_ARCH_X86_64:
		// x86_64 and x32 share the arch: bit 30 of the number tells x32.
		native, hasNative := maxes[libseccomp.ArchAMD64]
		x32, hasX32 := maxes[libseccomp.ArchX32]
		split := pending{insn: jump(unix.BPF_JMP|unix.BPF_JSET|unix.BPF_K, x32SyscallBit, 0, 0), jt: toFilter, jf: toNext}
		if hasNative && hasX32 {
			split.jt = 1 // over the native check, to x32's
		} else if hasX32 {
			split.jt, split.jf = toNext, toFilter
		}
		body = append(body, split)
		if hasNative {
			body = append(body, jgt(native))
		}
		if hasX32 {
			body = append(body, jgt(x32))
		}
	case unix.AUDIT_ARCH_S390X, unix.AUDIT_ARCH_S390:
		// s390 passes a number the kernel does not know as 0, its old
		// multiplexer, which no one calls any more: that is ENOSYS too.
		body = append(body, pending{jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, 0, 0, 0), toENOSYS, toNext})
		fallthrough
	default:
		for _, highest := range maxes { // one architecture per AUDIT_ARCH here
			body = append(body, jgt(highest))
		}
	}
	// The block: jeq ARCH, body, ja filter, ret ENOSYS.
	n := len(body)
	block := []unix.SockFilter{jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, audit, 0, uint8(n+2))}
	target := func(i, to int) uint8 {
		switch to {
		case toENOSYS:
			return uint8(n + 1 - i - 1) // ret is at body index n+1
		case toFilter:
			return uint8(n - i - 1) // ja is at body index n
		}
		return uint8(to)
	}
	for i, p := range body {
		p.insn.Jt, p.insn.Jf = target(i, p.jt), target(i, p.jf)
		block = append(block, p.insn)
	}
	return append(block, jaToFilter, retENOSYS)
}

// withENOSYS puts the stub for profile before prog, a program as the
// kernel takes it (struct sock_filter in the host's byte order).
func withENOSYS(profile *specs.LinuxSeccomp, prog []byte) ([]byte, error) {
	stub, err := enosysStub(profile)
	if err != nil || len(stub) == 0 {
		return prog, err
	}
	if len(stub)+len(prog)/8 > bpfMaxInsns {
		return nil, fmt.Errorf("seccomp: the program has %d instructions with the ENOSYS stub, more than the kernel's %d", len(stub)+len(prog)/8, bpfMaxInsns)
	}
	out := make([]byte, 0, len(stub)*8+len(prog))
	for _, insn := range stub {
		out = binary.NativeEndian.AppendUint16(out, insn.Code)
		out = append(out, insn.Jt, insn.Jf)
		out = binary.NativeEndian.AppendUint32(out, insn.K)
	}
	return append(out, prog...), nil
}
