// Package container starts a process in its own namespaces, inside cgroup
// limits, in its own root filesystem with volumes, and commits that
// filesystem to an image (book 3.1-4.4).
//
// "mydocker run" cannot simply fork the user's command: the namespaces must
// be in place before that command starts, and some setup (the /proc mount)
// has to run inside them. So run re-executes this very binary as
// "/proc/self/exe init" with clone(2) flags for new UTS, PID, mount, IPC and
// network namespaces; init makes its mounts private, moves into the
// container's root filesystem with its /proc, /sys and /dev,
// and then execve(2)s the user's command, which becomes PID 1 of the new
// PID namespace.
//
// The command reaches init through a pipe (fd 3), not on its command line:
// init waits on it until run has put it into its cgroup, with the limits of
// -m, -cpushare and -cpuset (book 3.2, 3.3), so the command never runs
// unlimited. The cgroup is removed when the container exits.
//
// The container's root is the busybox image under an overlay
// writable layer (package overlay); init pivots into it (pivot_root(2)) and
// gives it /proc, /sys and /dev. A run killed with kill -9 leaves its
// container, workspace and cgroup behind: the next run removes them first.
//
// The volumes of -v (book 4.3) are bound by init, in the container's mount
// namespace and through descriptors opened inside its root, never by path
// in the host's: they go with the namespace. The workspace is unmounted,
// every unmount checked, before anything of it is deleted.
//
// Commit (book 4.4) writes the running container's filesystem, without the
// volumes' contents, to an image tar.
//
// See clone(2), namespaces(7), pid_namespaces(7) and mount_namespaces(7).
package container
