// Package container runs containers and keeps them between commands: a
// container started detached outlives the mydocker that started it, and
// ps, logs, exec, stop, rm and commit find it again by name or ID (book
// 5.1-5.8).
//
// Starting one is chapters 3 and 4's: Run re-executes this very binary as
// "/proc/self/exe init" with clone(2) flags for new UTS, PID, mount, IPC
// and network namespaces. init waits on a pipe (fd 3) until run has put
// it into its cgroup (package cgroups), then makes its mounts private,
// pivots into the container's own overlay workspace (package overlay) on
// the image named on the command line (5.7), with its volumes, /proc,
// /sys and /dev, and execve(2)s the command, which becomes PID 1 of the
// new PID namespace, with a clean environment plus -e (5.8). With -d, Run
// returns once the command has started, and its output goes to the
// container's log (5.1, 5.3).
//
// Each container is a directory under <root>/containers/<id> (Store),
// with its config.json (State: what it is, and what was made for it,
// written before each thing is made; 5.2), its log and its writable
// layer; a name is reserved for one ID under <root>/names. Logs prints
// the log (5.3). Exec runs a command inside a running container through
// package nsenter (5.4). Stop sends SIGTERM, then SIGKILL after its
// timeout, and waits (5.5); Remove deletes a container that has exited,
// or kills it first with force (5.6). Commit writes a container's
// filesystem, without its volumes, to an image tar (4.4, 5.7).
//
// The book has no monitor process: nobody waits for a detached container.
// So every command first calls Reconcile, which tears down (cgroup,
// mounts) and marks exited a container whose process is gone, and removes
// what a mydocker killed half-way left. A process is known by its pid and
// start time (Process), so a reused pid never makes a dead container look
// alive.
//
// See clone(2), namespaces(7), pid_namespaces(7) and mount_namespaces(7).
package container
