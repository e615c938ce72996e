// Package security is what keeps a container's root from turning against
// the host, as docker's defaults do, for mydocker run and mydocker-runc
// alike: the capability set (docker's 14, with --cap-add, --cap-drop and
// --privileged over it; Capabilities, CapabilityMask); seccomp programs,
// compiled with libseccomp and cached under the state root in a
// directory only we may write (SeccompProfile and SeccompProgram for
// docker's profile or a file, CompileSeccomp for a bundle's
// linux.seccomp, LoadSeccomp); Confine, the one place that switches a
// container's process to its user, capabilities, no_new_privs and filter
// in the order the kernel's rules force, used by mydocker run's init and
// by mydocker-runc's init and exec (mydocker exec's is nsenter's C code);
// and the masked and read-only paths of /proc and /sys (MaskPaths,
// MakeReadonly), covered through descriptors (package mountfd). The
// devices a container may open are its cgroup's (package cgroups).
package security
