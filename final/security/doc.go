// Package security is what keeps a container's root from turning against
// the host, as docker's defaults do: the capability set (docker's 14,
// with --cap-add, --cap-drop and --privileged over it; Capabilities,
// CapabilityMask), docker's seccomp profile compiled to a BPF program and
// cached under the state root (SeccompProfile, SeccompProgram,
// CompileSeccomp, LoadSeccomp), and the masked and read-only paths of
// /proc and /sys (MaskPaths, MakeReadonly). It applies nothing by
// itself: the container's init does, in package container (Confinement)
// and in package oci for mydocker-runc, in the order the kernel's rules
// force (see dropPrivileges there): the bounding set cut while
// CAP_SETPCAP is still held, the capabilities kept across the switch to
// the user (KeepCapsAcrossSetuid) and then set exactly, no_new_privs, and
// the seccomp filter last, just before execve(2). The devices a container
// may open are its cgroup's (package cgroups), not this package's.
package security
