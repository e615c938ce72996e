// Package enter is mydocker exec (book 5.4): Exec runs a command in a
// running container. It runs in the exec CLI's process on the host: it
// resolves the user and working directory in the container's own /etc
// (package passwd), works out the container's confinement (the same
// capabilities, no_new_privs and cached seccomp program as its init's),
// and re-executes this binary, from a read-only bind of it, with what to
// enter on a descriptor; package nsenter's C constructor then joins the
// container's cgroup and namespaces, non-dumpable, confines itself and
// execs the command before Go starts. With -t the command gets a terminal
// of the container's own devpts. The command gets the container's
// environment (5.8) with -e over it. It imports state (Container) and is
// imported by the CLI and the API server (package api, docker's exec
// endpoints, which give it their stream's stdio instead of ours).
package enter
