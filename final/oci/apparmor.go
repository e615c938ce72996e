package oci

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// appArmorEnabled reports whether the kernel enforces AppArmor, as runc
// reads it: /sys/module/apparmor/parameters/enabled says "Y". Read by
// create, on the host's /sys.
func appArmorEnabled() bool {
	b, err := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	return err == nil && strings.HasPrefix(string(b), "Y")
}

// appArmorProfile is the profile init is to apply: process.apparmorProfile
// where the kernel has AppArmor. Where it has not, the profile is ignored
// without a word, as runc does (libcontainer/apparmor: ApplyProfile is a
// no-op when !IsEnabled()): containerd's CRI sends RuntimeDefault's
// "cri-containerd.apparmor.d" and podman "containers-default-*" on any
// host whose packages ship AppArmor's userspace, kernel or not, and
// nothing confines the container that AppArmor would have confined there.
func appArmorProfile(profile string) string {
	if profile == "" || !appArmorEnabled() {
		return ""
	}
	return profile
}

// applyAppArmor has the kernel switch to profile at the coming execve:
// "exec PROFILE" written to the calling thread's
// /proc/thread-self/attr/apparmor/exec, or attr/exec before Linux 5.8 (an
// LSM-specific directory came with stacking). A profile the kernel does
// not know fails the write (ENOENT): the container does not start
// unconfined.
func applyAppArmor(profile string) error {
	if profile == "" {
		return nil
	}
	value := "exec " + profile
	err := writeProc("thread-self/attr/apparmor/exec", value)
	if errors.Is(err, unix.ENOENT) {
		err = writeProc("thread-self/attr/exec", value)
	}
	if err != nil {
		return fmt.Errorf("apply the AppArmor profile %q (is it loaded? see aa-status): %w", profile, err)
	}
	return nil
}
