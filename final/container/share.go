package container

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/state"
)

// A container can share namespaces of another, running, container:
// --network container:NAME, --pid container:NAME, --ipc container:NAME.
// init is then started from a thread of ours in those namespaces (its
// clone leaves out their CLONE_NEW* flags), which it so has from birth.

// sharedNamespace is one namespace of another container that init joins.
type sharedNamespace struct {
	file  string // its name in /proc/PID/ns
	kind  int    // setns(2)'s CLONE_NEW* type
	what  string // as errors say it
	other string // the container's ID
}

// sharedNamespaces lists the namespaces st joins: none for most.
func sharedNamespaces(st *state.Container) []sharedNamespace {
	var list []sharedNamespace
	if st.NetworkContainer != "" {
		list = append(list, sharedNamespace{"net", unix.CLONE_NEWNET, "network", st.NetworkContainer})
	}
	if id := state.SharedWith(st.Process.PidMode); id != "" {
		list = append(list, sharedNamespace{"pid", unix.CLONE_NEWPID, "PID namespace", id})
	}
	if id := state.SharedWith(st.Process.IpcMode); id != "" {
		list = append(list, sharedNamespace{"ipc", unix.CLONE_NEWIPC, "IPC namespace", id})
	}
	return list
}

// startIn starts init: as it is, or for a container that shares others'
// namespaces, from a thread in them. Each other container must run: its
// namespace is that of its init, checked alive once the namespace is
// open (a PID reused meanwhile would name someone else's).
func startIn(st *state.Container, parent *exec.Cmd) error {
	shared := sharedNamespaces(st)
	if len(shared) == 0 {
		return parent.Start()
	}
	fds := make([]int, 0, len(shared))
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	store := state.Store{Root: st.Root()}
	for _, ns := range shared {
		fd, err := openNamespaceOf(store, ns)
		if err != nil {
			return err
		}
		fds = append(fds, fd)
	}
	done := make(chan error, 1)
	go func() {
		// Never unlocked: this thread, in the other container's
		// namespaces, ends with the goroutine, and nothing else of ours
		// ever runs in them.
		runtime.LockOSThread()
		for i, ns := range shared {
			if err := unix.Setns(fds[i], ns.kind); err != nil {
				done <- fmt.Errorf("join the %s of container %s: %w", ns.what, ns.other, err)
				return
			}
		}
		done <- parent.Start()
	}()
	return <-done
}

// openNamespaceOf opens the namespace ns of the other container.
func openNamespaceOf(store state.Store, ns sharedNamespace) (int, error) {
	other, err := store.Load(ns.other)
	if err != nil {
		return -1, fmt.Errorf("the container whose %s it joins: %w", ns.what, err)
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/%s", other.Init.PID, ns.file), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil || !other.Running() {
		if err == nil {
			unix.Close(fd)
		}
		return -1, fmt.Errorf("cannot join the %s of a container that is not running: %s", ns.what, other.Name)
	}
	return fd, nil
}

// shmDir is where a shareable container's /dev/shm is: a tmpfs its
// monitor mounts on the host, in the container's workspace, which its
// init and those of the containers that join its IPC namespace bind. The
// workspace's unmount takes it down with the rest.
func shmDir(st *state.Container) string { return filepath.Join(st.Workspace().Dir(), "shm") }

// shmSource is the host tmpfs that st's /dev/shm binds, "" for one of
// its own inside (or none).
func shmSource(st *state.Container) (string, error) {
	if st.Process.IpcMode == "shareable" {
		return shmDir(st), nil
	}
	id := state.SharedWith(st.Process.IpcMode)
	if id == "" {
		return "", nil
	}
	other, err := state.Store{Root: st.Root()}.Load(id)
	if err != nil {
		return "", fmt.Errorf("the container whose IPC namespace it joins: %w", err)
	}
	return shmDir(other), nil
}

// mountShm mounts a shareable container's /dev/shm tmpfs, of size bytes
// (docker's 64 MiB when 0), in its workspace.
func mountShm(st *state.Container, size int64) error {
	if st.Process.IpcMode != "shareable" {
		return nil
	}
	if size == 0 {
		size = initproc.DefaultShmSize
	}
	dir := shmDir(st)
	if err := unix.Mkdir(dir, 0o700); err != nil && err != unix.EEXIST {
		return fmt.Errorf("make %s: %w", dir, err)
	}
	data := fmt.Sprintf("mode=1777,size=%d", size)
	if err := unix.Mount("shm", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, data); err != nil {
		return fmt.Errorf("mount the shareable /dev/shm on %s: %w", dir, err)
	}
	return nil
}
