package oci

import (
	"sort"
	"strings"

	"github.com/moby/sys/capability"
	"github.com/opencontainers/runtime-spec/specs-go/features"

	"github.com/mydocker/mydocker/final/rootfs"
	"github.com/mydocker/mydocker/final/seccomp"
)

// SpecVersion is the runtime-spec version this runtime implements: the
// one it was written and tested against, not the specs-go module's (which
// build's BuildKit raised to 1.3.0 without adding any of 1.3's features).
const SpecVersion = "1.2.1"

// Features is what this runtime honours (features.md), for a client to
// ask before it writes a config: what is not listed is refused by Check.
func Features() features.Features {
	yes, no := true, false
	mountOptions := rootfs.MountOptions()
	var caps []string
	for _, c := range capability.ListKnown() {
		caps = append(caps, "CAP_"+strings.ToUpper(c.String()))
	}
	var namespaces []string
	for t := range namespaceFlags {
		namespaces = append(namespaces, string(t))
	}
	sort.Strings(namespaces)
	return features.Features{
		OCIVersionMin: "1.0.0",
		OCIVersionMax: SpecVersion,
		Hooks:         []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"},
		MountOptions:  mountOptions,
		Annotations:   featureAnnotations(),
		Linux: &features.Linux{
			Namespaces:   namespaces,
			Capabilities: caps,
			Cgroup:       &features.Cgroup{V1: &yes, V2: &yes, Systemd: &no, SystemdUser: &no, Rdma: &yes},
			Seccomp: &features.Seccomp{
				Enabled: &yes,
				Actions: []string{"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
					"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"},
				Operators: []string{"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
					"SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"},
				Archs: seccomp.Archs(),
				// Passed to seccomp(2) with the filter (TSYNC and
				// WAIT_KILLABLE_RECV accepted without effect, seccomp/flags.go).
				KnownFlags:     seccomp.KnownFlags(),
				SupportedFlags: seccomp.SupportedFlags(),
			},
			// AppArmor profiles are applied where the kernel has AppArmor
			// and ignored where not, as runc does (apparmor.go).
			Apparmor: &features.Apparmor{Enabled: &yes},
			Selinux:  &features.Selinux{Enabled: &no},
			IntelRdt: &features.IntelRdt{Enabled: &no},
			// Idmapped binds (idmap.go), as runc 1.2: the kernel says at
			// create whether the source's filesystem takes them.
			MountExtensions: &features.MountExtensions{IDMap: &features.IDMap{Enabled: &yes}},
			MemoryPolicy:    &features.MemoryPolicy{Modes: sortedKeys(memPolicyModes), Flags: sortedKeys(memPolicyFlags)},
		},
	}
}

// Rootfs is the container's root filesystem, absolute.
func (c *Container) Rootfs() string {
	if c.Spec == nil || c.Spec.Root == nil {
		return ""
	}
	return rootfsOf(c.Bundle, c.Spec)
}

// featureAnnotations are runc's: the libseccomp the filters are compiled
// with, and whether checkpoint and restore work, which here is whether
// CRIU is installed (criu.go).
func featureAnnotations() map[string]string {
	a := map[string]string{"io.github.seccomp.libseccomp.version": seccomp.LibraryVersion()}
	if _, err := criuBinary(); err == nil {
		a["org.opencontainers.runc.checkpoint.enabled"] = "true"
	}
	return a
}

func sortedKeys[K ~string, V any](m map[K]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	return keys
}
