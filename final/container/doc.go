// Package container is mydocker's runtime: it creates, runs, watches and
// removes containers, and serves the commands that look into them. It
// holds what the book's chapters 3 to 6 built, grown to docker's
// behaviour, and beyond the book a monitor process per container.
//
// Run (or Create, then StartAgain) makes a container from an image and
// starts it: this very binary is re-executed as "/proc/self/exe init"
// (or the small mydocker-init beside it, when only root could have put it
// there: helperbinary.go) with clone(2) flags for new UTS, PID, mount, IPC and network namespaces
// (book 3.1), where package initproc's Run is its init. This package is
// the parent's side: it puts init into its cgroup (3.2), works out its
// confinement (capabilities, no_new_privs, and the seccomp program its
// caller compiled; package security), sends it its initproc.Config on a pipe (fd 3) and reads on
// another (fd 4) whether the command started; init makes its mounts
// private, binds the container's /etc files and its volumes, pivots into
// its overlay workspace (4.1, 4.2, package overlay), confines itself and
// its user, and execve(2)s the command, which becomes PID 1 of the new
// PID namespace. With --net the container is connected (book 6.3, 6.4)
// after its cgroup and before its command: address and ports reserved
// and recorded in its state, then its veth and rules made by package
// network. Run then watches the command to its exit, records its exit
// code and tears the container down (with --rm, removes it).
//
// This package is the lifecycle that the CLI and a container's monitor
// share, and both processes run it: the CLI runs Create, Stop, Kill,
// Wait, Remove, Reconcile and Logs; every container, detached (5.1) or
// not, has a monitor process, its parent for its whole life, which runs
// Run and StartAgain. The monitor's life itself (--restart, the stdio it
// holds, the log it writes, attach) and its protocol are package
// monitor's, which imports this package; this one never imports it, and
// knows of the monitor only the Monitor and Console interfaces, the
// cgroup and the stdio it gives each run.
//
// Each container is a directory under <root>/containers/<id>, with its
// log (Logs; 5.3) and writable layer; its record there, config.json, is
// package state's (state.Store, state.Container; 5.2), which this
// package writes before it makes each thing. Stop, Kill, Wait and Remove
// end it (5.5, 5.6). Every command first calls Reconcile, which tears
// down what a process that died left. The commands that only enter, read
// or write a container from outside have packages of their own, which
// need only its record, not this package: exec (5.4) is package enter's;
// commit, export and cp (4.4, 5.7) are package containerfs's; top and
// stats are package observe's.
//
// See clone(2), namespaces(7), pid_namespaces(7) and mount_namespaces(7).
package container
