// Package nsenter is the C constructor that puts a process into a running
// container before the Go runtime starts: linked into mydocker and
// mydocker-runc, it runs in every one of their processes and does nothing
// unless the environment names a configuration descriptor (EnvConfigFd).
// mydocker exec and mydocker-runc exec both start their binary again with
// one (ConfigFile: the container's init by pid and start time, its
// namespaces and cgroup, the command's user, cwd, capability sets,
// rlimits, OOM score, no_new_privs, seccomp program and environment); the
// constructor makes itself non-dumpable, joins cgroup and namespaces,
// forks (only a child is in a PID namespace), confines the child as the
// container's init confined itself and execs the command: no Go ever runs
// inside the container, and the command's environment is never ours. The
// parent waits and exits with the command's status (mydocker exec), or
// reports the child's pid and any failure on a pipe and exits at once
// (mydocker-runc exec, whose shim or itself reaps it). mydocker-runc's init
// uses it only to be non-dumpable and to join a bundle's user and mount
// namespaces by path.
// Why C: setns(2) into a mount or user namespace is refused to a process
// with threads, which the Go runtime starts before main.
package nsenter
