package seccomp

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	mobyseccomp "github.com/moby/profiles/seccomp"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// Profile is the seccomp profile of a container whose bounding set
// is caps (the profile allows more to one that has, say, CAP_SYS_ADMIN):
// docker's default (moby/profiles/seccomp, kept current with the kernel's
// system calls) for "", none for "unconfined", or a file in docker's
// format.
func Profile(opt string, caps []string) (*specs.LinuxSeccomp, error) {
	rs := &specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{Bounding: caps}}}
	switch opt {
	case "":
		return mobyseccomp.GetDefaultProfile(rs)
	case "unconfined":
		return nil, nil
	}
	data, err := os.ReadFile(opt)
	if err != nil {
		return nil, fmt.Errorf("--security-opt seccomp=%s: %w", opt, err)
	}
	profile, err := mobyseccomp.LoadProfile(string(data), rs)
	if err != nil {
		return nil, fmt.Errorf("--security-opt seccomp=%s: %w", opt, err)
	}
	return profile, nil
}

// Program is the BPF program that the kernel runs on every system
// call, for --security-opt seccomp=opt ("" for docker's default; not
// "unconfined") and a container with caps, and its file. libseccomp
// compiles it (as for runc: it knows each architecture's numbers, the x32
// ABI's trap, and how to test arguments), in some 20 ms for the default
// profile; so a program is compiled once and kept under <root>/seccomp,
// named by what decides it: the profile (docker's, by the module's
// version, or the file's bytes), the capabilities, the kernel (the profile
// has rules for kernel versions) and libseccomp's version, in a directory
// only we may write (seccompcache.go). A run finds it with one read;
// hashing the resolved profile took a millisecond.
func Program(root, opt string, caps []string) (prog []byte, path string, err error) {
	key := sha256.New()
	fmt.Fprintf(key, "%s\x00%s\x00%s\x00%s\x00%s\x00", defaultProfileVersion, strings.Join(caps, ","), kernelRelease(), libseccompVersion(), enosysStubVersion)
	if opt != "" {
		data, err := os.ReadFile(opt)
		if err != nil {
			return nil, "", fmt.Errorf("--security-opt seccomp=%s: %w", opt, err)
		}
		key.Write(data)
	}
	return cachedProgram(filepath.Join(root, "seccomp"), key.Sum(nil), func() ([]byte, error) {
		profile, err := Profile(opt, caps)
		if err != nil {
			return nil, err
		}
		return compile(profile)
	})
}

// defaultProfileVersion names docker's profile as built in: the version
// of moby/profiles/seccomp this binary has. A new version is a new program.
var defaultProfileVersion = func() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/moby/profiles/seccomp" {
				return dep.Path + " " + dep.Version + " " + dep.Sum
			}
		}
	}
	return "moby/profiles/seccomp (version unknown)"
}()

func kernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

func libseccompVersion() string {
	major, minor, micro := libseccomp.GetLibraryVersion()
	return fmt.Sprintf("libseccomp %d.%d.%d", major, minor, micro)
}

func compile(profile *specs.LinuxSeccomp) ([]byte, error) {
	def, err := action(profile.DefaultAction, profile.DefaultErrnoRet)
	if err != nil {
		return nil, err
	}
	filter, err := libseccomp.NewFilter(def)
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	defer filter.Release()
	// no_new_privs is set by init itself, in its place in the order.
	if err := filter.SetNoNewPrivsBit(false); err != nil {
		return nil, err
	}
	for _, a := range profile.Architectures {
		arch, err := libseccomp.GetArchFromString(strings.ToLower(strings.TrimPrefix(string(a), "SCMP_ARCH_")))
		if err != nil {
			return nil, fmt.Errorf("seccomp: architecture %s: %w", a, err)
		}
		if err := filter.AddArch(arch); err != nil {
			return nil, fmt.Errorf("seccomp: architecture %s: %w", a, err)
		}
	}
	for _, sc := range profile.Syscalls {
		if err := addRule(filter, def, sc); err != nil {
			return nil, err
		}
	}
	prog, err := export(filter)
	if err != nil {
		return nil, err
	}
	return withENOSYS(profile, prog) // calls newer than the profile: ENOSYS (enosys.go)
}

// addRule adds one of the profile's rules for each of its system calls.
// A name this libseccomp does not know (newer than it) is left out, as
// runc does: the default action answers it.
func addRule(filter *libseccomp.ScmpFilter, def libseccomp.ScmpAction, sc specs.LinuxSyscall) error {
	act, err := action(sc.Action, sc.ErrnoRet)
	if err != nil {
		return err
	}
	if act == def {
		return nil // libseccomp refuses a rule that is the default
	}
	var conds []libseccomp.ScmpCondition
	for _, arg := range sc.Args {
		op, err := operator(arg.Op)
		if err != nil {
			return err
		}
		values := []uint64{arg.Value}
		if arg.Op == specs.OpMaskedEqual {
			values = append(values, arg.ValueTwo)
		}
		cond, err := libseccomp.MakeCondition(arg.Index, op, values...)
		if err != nil {
			return fmt.Errorf("seccomp: %v: %w", sc.Names, err)
		}
		conds = append(conds, cond)
	}
	for _, name := range sc.Names {
		call, err := libseccomp.GetSyscallFromName(name)
		if err != nil {
			continue
		}
		if len(conds) == 0 {
			err = filter.AddRule(call, act)
		} else {
			err = filter.AddRuleConditional(call, act, conds)
		}
		if err != nil {
			return fmt.Errorf("seccomp: rule for %s: %w", name, err)
		}
	}
	return nil
}

// action is the profile's action as libseccomp's, with the rule's errno
// (EPERM when it names none) for ERRNO and TRACE.
func action(a specs.LinuxSeccompAction, errno *uint) (libseccomp.ScmpAction, error) {
	code := int16(unix.EPERM)
	if errno != nil {
		code = int16(*errno)
	}
	switch a {
	case specs.ActAllow:
		return libseccomp.ActAllow, nil
	case specs.ActErrno:
		return libseccomp.ActErrno.SetReturnCode(code), nil
	case specs.ActKill, specs.ActKillThread:
		return libseccomp.ActKillThread, nil
	case specs.ActKillProcess:
		return libseccomp.ActKillProcess, nil
	case specs.ActTrap:
		return libseccomp.ActTrap, nil
	case specs.ActLog:
		return libseccomp.ActLog, nil
	case specs.ActTrace:
		return libseccomp.ActTrace.SetReturnCode(code), nil
	}
	return libseccomp.ActInvalid, fmt.Errorf("seccomp: action %q is not supported", a)
}

func operator(op specs.LinuxSeccompOperator) (libseccomp.ScmpCompareOp, error) {
	switch op {
	case specs.OpEqualTo:
		return libseccomp.CompareEqual, nil
	case specs.OpNotEqual:
		return libseccomp.CompareNotEqual, nil
	case specs.OpLessThan:
		return libseccomp.CompareLess, nil
	case specs.OpLessEqual:
		return libseccomp.CompareLessOrEqual, nil
	case specs.OpGreaterThan:
		return libseccomp.CompareGreater, nil
	case specs.OpGreaterEqual:
		return libseccomp.CompareGreaterEqual, nil
	case specs.OpMaskedEqual:
		return libseccomp.CompareMaskedEqual, nil
	}
	return libseccomp.CompareInvalid, fmt.Errorf("seccomp: operator %q is not supported", op)
}

// export is the filter's BPF program, written to a memfd and read back
// (libseccomp 2.5 exports to a file descriptor only).
func export(filter *libseccomp.ScmpFilter) ([]byte, error) {
	fd, err := unix.MemfdCreate("seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "seccomp-bpf")
	defer f.Close()
	if err := filter.ExportBPF(f); err != nil {
		return nil, fmt.Errorf("seccomp: export: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// Compile is the program of an OCI bundle's linux.seccomp
// (package oci: create and exec), compiled by the same compiler as
// docker's default profile and kept as Program keeps it, under
// root (the runtime's --root) in ociSeccompDir, named by the hash of the
// profile as given, libseccomp's version, the ENOSYS stub's and the
// architecture: a create or exec with a profile seen before reads it
// instead of compiling it (some 20 ms for docker's default).
func Compile(root string, profile *specs.LinuxSeccomp) ([]byte, error) {
	// The flags are not the program's: they go to seccomp(2) with it
	// (FilterFlags).
	data, err := json.Marshal(profile)
	if err != nil {
		return nil, err
	}
	key := sha256.New()
	fmt.Fprintf(key, "%s\x00%s\x00%s\x00", libseccompVersion(), enosysStubVersion, runtime.GOARCH)
	key.Write(data)
	prog, _, err := cachedProgram(filepath.Join(root, ociSeccompDir), key.Sum(nil), func() ([]byte, error) {
		return compile(profile)
	})
	return prog, err
}

// ociSeccompDir is the cache's directory in an OCI runtime's root, where
// every other entry is a container: '@' is in no container ID
// (oci.CheckID), so no container can be named so.
const ociSeccompDir = "@seccomp"
