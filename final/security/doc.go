// Package security is what keeps a container's root from turning against
// the host, as docker's defaults do, for mydocker run and mydocker-runc
// alike: the capability set (docker's 14, with --cap-add, --cap-drop and
// --privileged over it; Capabilities, CapabilityMask); LoadSeccomp, which
// installs a program that package seccomp compiled; Confine, the one
// place that switches a container's process to its user, capabilities,
// no_new_privs and filter in the order the kernel's rules force, used by
// mydocker run's init and by mydocker-runc's init and exec (mydocker
// exec's is nsenter's C code); and the masked and read-only paths of
// /proc and /sys (MaskPaths, MakeReadonly), covered through descriptors
// (package mountfd). The devices a container may open are its cgroup's
// (package cgroups). It needs no cgo: the container's init, a small
// static binary (cmd/mydocker-init), confines with it.
package security
