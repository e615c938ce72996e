// Package container starts a process in its own namespaces, inside cgroup
// limits (book 3.1-3.3).
//
// "mydocker run" cannot simply fork the user's command: the namespaces must
// be in place before that command starts, and some setup (the /proc mount)
// has to run inside them. So run re-executes this very binary as
// "/proc/self/exe init" with clone(2) flags for new UTS, PID, mount, IPC and
// network namespaces; init makes its mounts private, mounts a fresh /proc
// and then execve(2)s the user's command, which becomes PID 1 of the new
// PID namespace.
//
// The command reaches init through a pipe (fd 3), not on its command line:
// init waits on it until run has put it into its cgroup, with the limits of
// -m, -cpushare and -cpuset (book 3.2, 3.3), so the command never runs
// unlimited. The cgroup is removed when the container exits.
//
// See clone(2), namespaces(7), pid_namespaces(7) and mount_namespaces(7).
package container
