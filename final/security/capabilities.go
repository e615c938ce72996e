package security

import (
	"fmt"
	"slices"
	"strings"

	"github.com/moby/sys/capability"
)

// DefaultCapabilities is docker's default set: what a container's root
// keeps of root's powers. Left out, among others: SYS_ADMIN (mount,
// namespaces), SYS_MODULE, SYS_PTRACE, SYS_RAWIO, SYS_TIME, NET_ADMIN,
// DAC_READ_SEARCH, SYS_BOOT, SYSLOG.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// allCapabilities is every capability that we have ourselves, by name:
// ALL and --privileged cannot give a container what our own bounding set
// lacks (a sandboxed root, or one under a runtime that dropped some), and
// the kernel refuses a capset that tried.
func allCapabilities() []string {
	var names []string
	for _, c := range capability.ListKnown() {
		if ok, err := capability.GetBound(c); err == nil && ok {
			names = append(names, "CAP_"+strings.ToUpper(c.String()))
		}
	}
	return names
}

// knownCapability tells whether name (CAP_NAME) is a capability at all.
func knownCapability(name string) bool {
	for _, c := range capability.ListKnown() {
		if "CAP_"+strings.ToUpper(c.String()) == name {
			return true
		}
	}
	return false
}

// capabilityName is name as CAP_NAME, upper case, checked.
func capabilityName(name string) (string, error) {
	n := strings.ToUpper(name)
	if !strings.HasPrefix(n, "CAP_") {
		n = "CAP_" + n
	}
	if !knownCapability(n) {
		return "", fmt.Errorf("unknown capability %q", name)
	}
	return n, nil
}

// Capabilities is the set a container gets: docker's default (or every
// one, privileged), with --cap-add and --cap-drop over it, as docker
// reads them: names with or without CAP_, any case, and ALL. Drops are
// applied first, then adds, so "--cap-drop ALL --cap-add NET_BIND_SERVICE"
// keeps just that one.
func Capabilities(add, drop []string, privileged bool) ([]string, error) {
	set := slices.Clone(DefaultCapabilities)
	if privileged {
		set = allCapabilities()
	}
	for _, name := range drop {
		if strings.EqualFold(name, "ALL") {
			set = nil
			continue
		}
		n, err := capabilityName(name)
		if err != nil {
			return nil, fmt.Errorf("--cap-drop: %w", err)
		}
		set = slices.DeleteFunc(set, func(c string) bool { return c == n })
	}
	for _, name := range add {
		if strings.EqualFold(name, "ALL") {
			set = allCapabilities()
			continue
		}
		n, err := capabilityName(name)
		if err != nil {
			return nil, fmt.Errorf("--cap-add: %w", err)
		}
		if !slices.Contains(set, n) {
			set = append(set, n)
		}
	}
	slices.Sort(set)
	return set, nil
}

func capValues(names []string) []capability.Cap {
	var caps []capability.Cap
	for _, c := range capability.ListKnown() {
		if slices.Contains(names, "CAP_"+strings.ToUpper(c.String())) {
			caps = append(caps, c)
		}
	}
	return caps
}

// CapabilityMask is names as the kernel's 64-bit mask: exec's C code sets
// it with capset(2).
func CapabilityMask(names []string) uint64 {
	var mask uint64
	for _, c := range capValues(names) {
		mask |= 1 << uint(c)
	}
	return mask
}
