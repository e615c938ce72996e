// Package oci runs a container from an OCI bundle (a config.json and a
// root filesystem) with the operations of the OCI runtime spec
// (runtime.md): create, start, state, kill, delete, and exec, ps, pause
// and resume as runc has them; cmd/mydocker-runc puts runc's command
// line on it, for podman, containerd and Kubernetes. Inside: the spec
// and its checks (spec.go, defaultspec.go, features.go), the state
// store (state.go, lifecycle.go), create and the sync protocol with init
// (create.go, sync.go, hooks.go, cgroup.go, namespaces.go), init, which
// runs in the new namespaces and makes the root filesystem and process
// (init.go, rootfs.go and package rootfs, sysctl.go, process.go, console.go,
// procself.go), exec (exec.go, execconfig.go: the process handed to
// package nsenter's C constructor, the one path mydocker exec takes too,
// so that no Go of ours runs inside a running container; execcgroup.go
// for --cgroup), update (update.go: limits merged into the record and
// written by create's cgroup writers), events (events.go: runc's stats
// JSON from package cgroups' counters), the terminal opened from outside
// (terminal.go), and the sealed copy of our binary that every process a
// container can see runs (exeseal.go).
//
// The lifecycle, as the spec draws it:
//
//	create: the runtime makes the namespaces, cgroup and mounts and
//	        starts init, which stops before the user's program
//	        (status "created"), waiting on the exec fifo;
//	start:  opens the fifo: init executes the program ("running");
//	        it exits ("stopped");
//	delete: removes what create made.
//
// Between the steps no process of ours stays: create and start exit,
// the container's init is reparented to whoever asked (a shim or conmon,
// a subreaper), and the state lives in <root>/<id>/state.json.
package oci
