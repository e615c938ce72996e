package seccomp

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/security"
)

// TestMain lets the test binary play a confined process: with
// SECCOMP_CHILD set it loads the default profile and tries what it
// forbids.
func TestMain(m *testing.M) {
	if os.Getenv("SECCOMP_CHILD") != "" {
		os.Exit(seccompChild())
	}
	os.Exit(m.Run())
}

func seccompChild() int {
	runtime.LockOSThread()
	prog, _, err := Program(os.Getenv("SECCOMP_CHILD"), "", security.DefaultCapabilities)
	if err != nil {
		return 11
	}
	highest, err := highestKnown()
	if err != nil {
		return 19
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return 12
	}
	if err := security.LoadSeccomp(prog); err != nil {
		return 13
	}
	if unix.Getpid() <= 0 {
		return 14 // an allowed call still works
	}
	// unshare(CLONE_NEWUSER) and keyctl are refused with EPERM; clone3 is
	// ENOSYS, so that libc falls back to clone, whose namespace flags the
	// profile checks.
	if err := unix.Unshare(unix.CLONE_NEWUSER); err != unix.EPERM {
		return 15
	}
	if _, _, errno := unix.Syscall(unix.SYS_CLONE3, 0, 0, 0); errno != unix.ENOSYS {
		return 16
	}
	if _, _, errno := unix.Syscall(unix.SYS_KEYCTL, 0, 0, 0); errno != unix.EPERM {
		return 17
	}
	// A call newer than the profile (mseal, 462 on x86_64, when this
	// libseccomp does not know it; the first number above the highest it
	// knows; one no kernel has) is ENOSYS, so that libc falls back.
	for _, nr := range []uintptr{462, uintptr(highest) + 1, 1000} {
		if nr <= uintptr(highest) {
			continue
		}
		if _, _, errno := unix.Syscall(nr, 0, 0, 0); errno != unix.ENOSYS {
			return 18
		}
	}
	return 0
}

// highestKnown is the highest number of a call that the default profile
// names, on this architecture.
func highestKnown() (uint32, error) {
	profile, err := Profile("", security.DefaultCapabilities)
	if err != nil {
		return 0, err
	}
	last, err := lastSyscalls(profile)
	if err != nil {
		return 0, err
	}
	native, err := libseccomp.GetNativeArch()
	if err != nil {
		return 0, err
	}
	highest := last[auditArch[native]][native]
	if highest == 0 {
		return 0, errors.New("no call of the profile is known on this architecture")
	}
	return highest, nil
}

// TestENOSYSStub: a profile whose default lets calls through has no stub
// (the kernel answers ENOSYS itself); docker's has one block per
// architecture it lists, each returning ENOSYS above its highest call,
// and every block's "ja" lands on libseccomp's first instruction.
func TestENOSYSStub(t *testing.T) {
	profile, err := Profile("", security.DefaultCapabilities)
	require.NoError(t, err)
	stub, err := enosysStub(profile)
	require.NoError(t, err)
	require.NotEmpty(t, stub)
	assert.Equal(t, loadArch, stub[0])
	assert.Contains(t, stub, retENOSYS)
	for i, insn := range stub {
		if insn.Code == unix.BPF_JMP|unix.BPF_JA {
			assert.Equal(t, uint32(len(stub)-i-1), insn.K, "ja %d lands on libseccomp's first instruction", i)
		}
	}

	allow := &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Names: []string{"keyctl"}, Action: specs.ActErrno}}}
	stub, err = enosysStub(allow)
	require.NoError(t, err)
	assert.Empty(t, stub)
}

func TestDefaultSeccompProfileDeniesAndAllows(t *testing.T) {
	cache := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SECCOMP_CHILD="+cache)
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	assert.Equal(t, 0, code, "the confined child's verdict (see seccompChild)")

	entries, err := os.ReadDir(cache + "/seccomp")
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the program is kept, compiled once")
}

func TestSeccompProfileDependsOnCapabilities(t *testing.T) {
	plain, err := Profile("", security.DefaultCapabilities)
	require.NoError(t, err)
	admin, err := Profile("", append([]string{"CAP_SYS_ADMIN"}, security.DefaultCapabilities...))
	require.NoError(t, err)
	allowsMount := func(syscalls []specs.LinuxSyscall) bool {
		for _, sc := range syscalls {
			if slices.Contains(sc.Names, "mount") {
				return true
			}
		}
		return false
	}
	assert.False(t, allowsMount(plain.Syscalls), "no mount without CAP_SYS_ADMIN")
	assert.True(t, allowsMount(admin.Syscalls), "mount with it, as docker")

	none, err := Profile("unconfined", security.DefaultCapabilities)
	require.NoError(t, err)
	assert.Nil(t, none)
	_, err = Profile("/nonexistent/profile.json", security.DefaultCapabilities)
	assert.ErrorContains(t, err, "seccomp=/nonexistent/profile.json")
}

// Flags: LOG and SPEC_ALLOW go to seccomp(2); TSYNC is accepted as runc
// does, without effect; a name the kernel does not know is refused.
func TestFilterFlags(t *testing.T) {
	flags, err := FilterFlags([]specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"})
	require.NoError(t, err)
	assert.Equal(t, uint(unix.SECCOMP_FILTER_FLAG_LOG|unix.SECCOMP_FILTER_FLAG_SPEC_ALLOW), flags)
	_, err = FilterFlags([]specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_NEW_LISTENER"})
	assert.ErrorContains(t, err, "SECCOMP_FILTER_FLAG_NEW_LISTENER")
	assert.Contains(t, SupportedFlags(), "SECCOMP_FILTER_FLAG_LOG")
	assert.Subset(t, KnownFlags(), SupportedFlags())
}
