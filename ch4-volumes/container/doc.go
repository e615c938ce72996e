// Package container starts a process in its own namespaces (book 3.1).
//
// "mydocker run" cannot simply fork the user's command: the namespaces must
// be in place before that command starts, and some setup (the /proc mount)
// has to run inside them. So run re-executes this very binary as
// "/proc/self/exe init" with clone(2) flags for new UTS, PID, mount, IPC and
// network namespaces; init makes its mounts private, mounts a fresh /proc
// and then execve(2)s the user's command, which becomes PID 1 of the new
// PID namespace.
//
// See clone(2), namespaces(7), pid_namespaces(7) and mount_namespaces(7).
package container
