// Package initproc is the init of mydocker run: the code that runs inside
// the new namespaces (book 3.1), as the container's first process, until
// it execve(2)s the user's command, which becomes PID 1. Run is all it
// does there: it reads its Config on the command pipe (fd 3) once its
// monitor has put it into its cgroup, enters a cgroup namespace, makes
// its mounts private and mounts /proc, /sys and /dev, binds the
// container's /etc files and its volumes in its own mount namespace
// (4.3), pivots into its overlay root (4.1, 4.2), masks what docker
// masks, gives the user a terminal of the container's devpts, resolves
// the user in the image's /etc, confines itself (package security's
// Confine) and looks the command up in the image's PATH. A failure is
// written on the status pipe (fd 4) for ReadStatus, with 127 or 126 when
// the command itself cannot run (ExecError). The parent side of that
// pipe protocol, SendConfig and ReadStatus, runs in the monitor, in
// package container, which imports this package; this one imports
// nothing of container's. Package monitor and the CLI import it for
// ExecError, and the CLI's hidden "init" command calls Run, as does
// cmd/mydocker-init, the same init as a small static binary: so this
// package needs no cgo and none of the heavy libraries (go list -deps).
package initproc
