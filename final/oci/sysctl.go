package oci

import (
	"fmt"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/procfs"
)

// ipcSysctls are the kernel.* keys of the IPC namespace: with fs.mqueue.*
// the ones a container's IPC namespace has of its own.
var ipcSysctls = map[string]bool{
	"kernel.msgmax": true, "kernel.msgmnb": true, "kernel.msgmni": true, "kernel.sem": true,
	"kernel.shmall": true, "kernel.shmmax": true, "kernel.shmmni": true, "kernel.shm_rmid_forced": true,
}

// checkSysctls refuses, before anything is made, a linux.sysctl key that
// is not the container's own: written from inside, any other key
// (kernel.core_pattern, vm.*, a net.* of the host's network namespace)
// would set the host's. As runc: IPC keys with an IPC namespace, net.*
// with a network namespace that is not ours, kernel.domainname with a
// UTS namespace; kernel.hostname never (the spec's hostname is the field
// for it).
func checkSysctls(s *specs.Spec) error {
	for key := range s.Linux.Sysctl {
		if err := checkSysctl(s, key); err != nil {
			return fmt.Errorf("config.json: linux.sysctl: %w", err)
		}
	}
	return nil
}

func checkSysctl(s *specs.Spec, key string) error {
	for _, part := range strings.Split(key, ".") {
		if part == "" || strings.ContainsAny(part, "/\x00") {
			return fmt.Errorf("sysctl %q is not a valid key", key)
		}
	}
	switch {
	case ipcSysctls[key] || strings.HasPrefix(key, "fs.mqueue."):
		if !hasNamespace(s, specs.IPCNamespace) {
			return fmt.Errorf("sysctl %q is not allowed in the host's ipc namespace", key)
		}
		return nil
	case strings.HasPrefix(key, "net."):
		return checkNetSysctl(s, key)
	case key == "kernel.domainname" && hasNamespace(s, specs.UTSNamespace):
		return nil
	case key == "kernel.hostname" && hasNamespace(s, specs.UTSNamespace):
		return fmt.Errorf("sysctl %q is not allowed as it conflicts with the config's hostname field", key)
	}
	return fmt.Errorf("sysctl %q is not in a separate kernel namespace", key)
}

// checkNetSysctl allows net.* in a network namespace of the container's
// own: a new one, or one joined by a path that is not the namespace we,
// the runtime, run in (the host's, as a rule).
func checkNetSysctl(s *specs.Spec, key string) error {
	ns, ok := namespace(s, specs.NetworkNamespace)
	if !ok {
		return fmt.Errorf("sysctl %q is not allowed in the host's network namespace", key)
	}
	if ns.Path == "" {
		return nil
	}
	var theirs, ours unix.Stat_t
	if err := unix.Stat(ns.Path, &theirs); err != nil {
		return fmt.Errorf("sysctl %q: network namespace %s: %w", key, ns.Path, err)
	}
	if err := unix.Stat("/proc/self/ns/net", &ours); err != nil {
		return fmt.Errorf("sysctl %q: our network namespace: %w", key, err)
	}
	if theirs.Dev == ours.Dev && theirs.Ino == ours.Ino {
		return fmt.Errorf("sysctl %q is not allowed in the host's network namespace", key)
	}
	return nil
}

// writeSysctls sets linux.sysctl (checked by create) in the container's
// namespaces, through a procfs verified to be one (package procfs, which
// mydocker run's --sysctl shares).
func writeSysctls(sysctl map[string]string) error { return procfs.WriteSysctls(sysctl) }

// openProcfs, openProcRoot and checkProcfs are package procfs's: a procfs
// of our own, a directory that must be a procfs root, a descriptor on one.
var (
	openProcfs   = procfs.Open
	openProcRoot = procfs.OpenRoot
	checkProcfs  = procfs.Check
)
