// Package seccomp compiles a container's seccomp programs, with
// libseccomp (cgo): docker's default profile or a file in docker's
// format for mydocker run (Profile, Program), a bundle's linux.seccomp
// for mydocker-runc (Compile), each with a stub that answers ENOSYS to
// the system calls newer than the profile (enosys.go), and cached under
// the state root in a directory only we may write (seccompcache.go). The
// program is installed by security.LoadSeccomp, in the container's init,
// which so needs no libseccomp.
package seccomp
