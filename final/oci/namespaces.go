package oci

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// namespaceFlags are the clone(2) flag of each namespace type.
var namespaceFlags = map[specs.LinuxNamespaceType]uintptr{
	specs.PIDNamespace:     unix.CLONE_NEWPID,
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.MountNamespace:   unix.CLONE_NEWNS,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.UserNamespace:    unix.CLONE_NEWUSER,
	specs.CgroupNamespace:  unix.CLONE_NEWCGROUP,
	specs.TimeNamespace:    unix.CLONE_NEWTIME,
}

// procName is the name of a namespace type under /proc/PID/ns.
var procName = map[specs.LinuxNamespaceType]string{
	specs.PIDNamespace: "pid", specs.NetworkNamespace: "net", specs.MountNamespace: "mnt",
	specs.IPCNamespace: "ipc", specs.UTSNamespace: "uts", specs.UserNamespace: "user",
	specs.CgroupNamespace: "cgroup", specs.TimeNamespace: "time",
}

// namespacePlan splits linux.namespaces into the new ones (clone flags)
// and the ones to join by path. Of those, the user and mount namespaces
// are joined by init's C constructor (package nsenter), before the Go runtime
// starts threads: the kernel refuses setns into them to a process with
// threads. The others are joined by the thread that starts init, which
// it then inherits (setns changes only the calling thread's).
type namespacePlan struct {
	clone      uintptr
	threadJoin []specs.LinuxNamespace // pid, net, ipc, uts, cgroup
	initJoin   []specs.LinuxNamespace // user, time, then mnt
	// unshare: the new namespaces init's constructor makes once it has
	// joined a user namespace by path (moved out of clone, which would
	// make them owned by ours, where the container has no rights).
	unshare uintptr
	// newTime: a new time namespace, which init's constructor makes
	// (timens.go): made at clone, init would be in it before its
	// offsets could be written.
	newTime bool
}

func planNamespaces(s *specs.Spec) (namespacePlan, error) {
	var p namespacePlan
	seen := map[specs.LinuxNamespaceType]bool{}
	for _, ns := range s.Linux.Namespaces {
		if seen[ns.Type] {
			return p, fmt.Errorf("config.json: linux.namespaces: %s is listed twice", ns.Type)
		}
		seen[ns.Type] = true
		if ns.Path == "" && ns.Type == specs.TimeNamespace {
			p.newTime = true
			continue
		}
		if ns.Path == "" {
			p.clone |= namespaceFlags[ns.Type]
			continue
		}
		if err := checkNamespacePath(ns); err != nil {
			return p, err
		}
		switch ns.Type {
		case specs.UserNamespace, specs.TimeNamespace, specs.MountNamespace:
			// setns into these wants a single-threaded process.
			p.initJoin = append(p.initJoin, ns)
		default:
			p.threadJoin = append(p.threadJoin, ns)
		}
	}
	// The user namespace first (the rights in the others come from it),
	// the mount namespace last (a path after it is the container's).
	rank := map[specs.LinuxNamespaceType]int{specs.UserNamespace: 0, specs.TimeNamespace: 1, specs.MountNamespace: 2}
	slices.SortStableFunc(p.initJoin, func(a, b specs.LinuxNamespace) int { return rank[a.Type] - rank[b.Type] })
	return p, p.unshareInJoinedUserNS()
}

// unshareInJoinedUserNS moves the new namespaces that init can make
// itself out of clone when the user namespace is joined by path: made
// at clone, they would belong to our user namespace, and the container,
// root only in the one it joined, could not set its mounts' propagation
// nor its hostname. This is how Kubernetes runs a pod with hostUsers:
// false: each container joins the pod's user namespace. A new PID
// namespace made by unshare holds only the children of its maker: init's
// constructor then forks init into it (forkInit).
func (p *namespacePlan) unshareInJoinedUserNS() error {
	joined := slices.ContainsFunc(p.initJoin, func(ns specs.LinuxNamespace) bool { return ns.Type == specs.UserNamespace })
	if !joined {
		return nil
	}
	movable := uintptr(unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWNET | unix.CLONE_NEWPID)
	p.unshare = p.clone & movable
	p.clone &^= movable
	return nil
}

// forkInit says whether init is forked by its constructor, into a new
// pid namespace it made in the user namespace joined: the process create
// starts reports init's pid and exits.
func (p namespacePlan) forkInit() bool { return p.unshare&unix.CLONE_NEWPID != 0 }

// checkNamespacePath refuses a path that is not a namespace of the type
// it is listed as (linux_ns_path_type).
func checkNamespacePath(ns specs.LinuxNamespace) error {
	f, err := os.Open(ns.Path)
	if err != nil {
		return fmt.Errorf("config.json: linux.namespaces: %s namespace %s: %w", ns.Type, ns.Path, err)
	}
	defer f.Close()
	kind, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
	if err != nil {
		return fmt.Errorf("config.json: linux.namespaces: %s is not a namespace: %w", ns.Path, err)
	}
	if uintptr(kind) != namespaceFlags[ns.Type] {
		return fmt.Errorf("config.json: linux.namespaces: %s is not a %s namespace", ns.Path, ns.Type)
	}
	return nil
}

// initJoinList tells init's C constructor (package nsenter) which
// namespaces to join: "user:/path,mnt:/path", in that order.
func (p namespacePlan) initJoinList() string {
	var parts []string
	for _, ns := range p.initJoin {
		parts = append(parts, procName[ns.Type]+":"+ns.Path)
	}
	return strings.Join(parts, ",")
}

// onJoinedThread runs start on a thread of its own that has joined the
// namespaces to join by path, so that the process start forks is born in
// them. The thread is never given back to the Go runtime (it ends with
// the goroutine), since it is in namespaces no other goroutine expects.
func onJoinedThread(joins []specs.LinuxNamespace, start func() error) error {
	if len(joins) == 0 {
		return start()
	}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // and never unlocked: the thread goes with us
		for _, ns := range joins {
			fd, err := unix.Open(ns.Path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				done <- fmt.Errorf("open %s namespace %s: %w", ns.Type, ns.Path, err)
				return
			}
			err = unix.Setns(fd, int(namespaceFlags[ns.Type]))
			unix.Close(fd)
			if err != nil {
				done <- fmt.Errorf("join %s namespace %s: %w", ns.Type, ns.Path, err)
				return
			}
		}
		done <- start()
	}()
	return <-done
}
