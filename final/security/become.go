package security

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// OwnCapabilities reads our capabilities (from /proc/self/status, and
// the kernel's last one from /proc/sys, which the library then keeps):
// a caller that loses /proc before Confine (a chroot-only root) reads
// them first and hands them in.
func OwnCapabilities() (capability.Capabilities, error) {
	if _, err := capability.LastCap(); err != nil {
		return nil, err
	}
	set, err := capability.NewPid2(0)
	if err != nil {
		return nil, err
	}
	if err := set.Load(); err != nil {
		return nil, fmt.Errorf("read our capabilities: %w", err)
	}
	return set, nil
}

// DropUnknownCapabilities takes out of every set the names that are no
// capability, or one this kernel lacks (past its last), and returns them
// once each: runc 1.2+ ignores them with a warning, so that a config
// written for a newer kernel runs on an older one.
func DropUnknownCapabilities(c *specs.LinuxCapabilities) []string {
	// A kernel whose last is unknown (no /proc) is taken to have them all.
	last, err := capability.LastCap()
	known := map[string]bool{}
	for _, k := range capability.ListKnown() {
		known["CAP_"+strings.ToUpper(k.String())] = err != nil || k <= last
	}
	var dropped []string
	for _, set := range []*[]string{&c.Bounding, &c.Effective, &c.Inheritable, &c.Permitted, &c.Ambient} {
		*set = slices.DeleteFunc(slices.Clone(*set), func(name string) bool {
			if known[strings.ToUpper(name)] {
				return false
			}
			if !slices.Contains(dropped, name) {
				dropped = append(dropped, name)
			}
			return true
		})
	}
	return dropped
}

// capSet is capability names (CAP_X, any case) as the library's values.
func capSet(names []string) ([]capability.Cap, error) {
	known := map[string]capability.Cap{}
	for _, c := range capability.ListKnown() {
		known["CAP_"+strings.ToUpper(c.String())] = c
	}
	var caps []capability.Cap
	for _, n := range names {
		c, ok := known[strings.ToUpper(n)]
		if !ok {
			return nil, fmt.Errorf("process.capabilities: unknown capability %q", n)
		}
		caps = append(caps, c)
	}
	return caps, nil
}

// cutBounding sets the bounding set: only while we still hold
// CAP_SETPCAP, which the switch to the user takes away.
func cutBounding(set capability.Capabilities, caps *specs.LinuxCapabilities) error {
	bounding, err := capSet(caps.Bounding)
	if err != nil {
		return err
	}
	set.Clear(capability.BOUNDS)
	set.Set(capability.BOUNDING, bounding...)
	if err := set.Apply(capability.BOUNDS); err != nil {
		return fmt.Errorf("set the bounding set: %w", err)
	}
	return nil
}

// setCapabilities sets the other sets exactly, once we are the user. The
// kernel raises an ambient capability only if it is inheritable too: as
// runc and crun, the ambient ones are made inheritable (runc spec's own
// config lists them as ambient alone).
func setCapabilities(set capability.Capabilities, caps *specs.LinuxCapabilities) error {
	set.Clear(capability.CAPS | capability.AMBIENT)
	for which, names := range map[capability.CapType][]string{
		capability.EFFECTIVE: caps.Effective, capability.PERMITTED: caps.Permitted,
		capability.INHERITABLE: append(append([]string{}, caps.Inheritable...), caps.Ambient...), capability.AMBIENT: caps.Ambient,
	} {
		values, err := capSet(names)
		if err != nil {
			return err
		}
		set.Set(which, values...)
	}
	if err := set.Apply(capability.CAPS | capability.AMBIENT); err != nil {
		return fmt.Errorf("set capabilities: %w", err)
	}
	return nil
}

// switchUser sets the groups, group and user: numbers, as the spec gives
// them (no name is looked up), and the umask.
func switchUser(u specs.User) error {
	groups := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = int(g)
	}
	// setgroups is refused in a user namespace whose setgroups is "deny".
	if err := syscall.Setgroups(groups); err != nil && !(len(groups) == 0 && errors.Is(err, unix.EPERM)) {
		return fmt.Errorf("set groups %v: %w", groups, err)
	}
	if err := syscall.Setgid(int(u.GID)); err != nil {
		return fmt.Errorf("set group %d: %w", u.GID, err)
	}
	if err := syscall.Setuid(int(u.UID)); err != nil {
		return fmt.Errorf("set user %d: %w", u.UID, err)
	}
	if u.Umask != nil {
		unix.Umask(int(*u.Umask))
	}
	return nil
}

// CapabilitySetMask is names (CAP_X, any case) as the kernel's 64-bit
// mask, an unknown name an error: a bundle's process.capabilities, which
// exec's C code sets with capset(2).
func CapabilitySetMask(names []string) (uint64, error) {
	caps, err := capSet(names)
	if err != nil {
		return 0, err
	}
	var mask uint64
	for _, c := range caps {
		mask |= 1 << uint(c)
	}
	return mask, nil
}
