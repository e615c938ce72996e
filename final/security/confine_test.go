package security

import (
	"os"
	"os/exec"
	"runtime"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/seccomp"
)

// TestMain lets the test binary play a confined process: with
// CONFINE_CHILD set it goes through Confine.
func TestMain(m *testing.M) {
	if os.Getenv("CONFINE_CHILD") != "" {
		os.Exit(confineChild())
	}
	os.Exit(m.Run())
}

// confineChild goes through Confine to nobody with CAP_KILL alone and
// docker's profile, and checks at each step what the kernel says: its
// exit code is the first step found wrong.
func confineChild() int {
	runtime.LockOSThread()
	prog, _, err := seccomp.Program(os.Getenv("CONFINE_CHILD"), "", DefaultCapabilities)
	if err != nil {
		return 10
	}
	kill := []string{"CAP_KILL"}
	c := Confinement{
		User:         specs.User{UID: 65534, GID: 65534, AdditionalGids: []uint32{65534}},
		Capabilities: &specs.LinuxCapabilities{Bounding: kill, Effective: kill, Permitted: kill},
		NoNewPrivs:   true,
		Seccomp:      prog,
	}
	asUser := func() error {
		switch {
		case unix.Getuid() != 65534 || unix.Getgid() != 65534:
			os.Exit(11) // the user is set before asUser
		case !hasOnly(unix.CAP_KILL):
			os.Exit(12) // and the capabilities
		case prctl(unix.PR_GET_NO_NEW_PRIVS) != 0 || prctl(unix.PR_GET_SECCOMP) != 0:
			os.Exit(13) // no_new_privs and seccomp come after
		}
		return nil
	}
	err = Confine(c, asUser, func() error {
		switch {
		case prctl(unix.PR_GET_NO_NEW_PRIVS) != 1:
			return unix.EBADE
		case prctl(unix.PR_GET_SECCOMP) != 2:
			return unix.EBADF
		case unix.Unshare(unix.CLONE_NEWUSER) != unix.EPERM:
			return unix.EBADR // the filter is docker's
		}
		os.Exit(0)
		return nil
	})
	switch err {
	case unix.EBADE:
		return 14
	case unix.EBADF:
		return 15
	case unix.EBADR:
		return 16
	}
	return 17
}

func prctl(op int) int {
	r, _, _ := unix.Syscall(unix.SYS_PRCTL, uintptr(op), 0, 0)
	return int(r)
}

// hasOnly reports whether cap is the one capability left in each set.
func hasOnly(cap uint) bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return false
	}
	want := uint32(1) << cap
	return data[0].Effective == want && data[0].Permitted == want && data[0].Inheritable == 0 &&
		data[1].Effective == 0 && data[1].Permitted == 0
}

// TestConfineOrder: Confine switches user and capabilities before the
// caller's steps as the user, and no_new_privs and the filter after them.
func TestConfineOrder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("switching users needs root")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CONFINE_CHILD="+t.TempDir())
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	assert.Equal(t, 0, code, "the confined child's verdict (see confineChild)")
}
