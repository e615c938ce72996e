// Package oci runs a container from an OCI bundle (a config.json and a
// root filesystem), with the operations of the OCI runtime spec
// (runtime.md): create, start, state, kill, delete, and exec, ps, pause
// and resume as runc has them. cmd/mydocker-runc puts runc's command
// line on it, so that podman, containerd and through containerd's CRI
// plugin Kubernetes can drive it.
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
