// Package security is what keeps a container's root from turning against
// the host, as docker's defaults do: a capability set of 14, docker's
// seccomp profile, no_new_privs, masked and read-only paths of /proc and
// /sys, and the devices a container may open. The container's init
// applies them, in an order the kernel's rules force (see Apply).
package security
