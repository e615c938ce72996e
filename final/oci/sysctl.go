package oci

import (
	"errors"
	"fmt"
	"os"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
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
// namespaces. Each file is opened in a procfs that is verified to be one,
// with no symlink followed: never by a path, which the container's rootfs
// or a bundle mount could have made lead to a host file. /proc/sys files
// are the namespaces' of the process that opens them, whichever procfs.
func writeSysctls(sysctl map[string]string) error {
	if len(sysctl) == 0 {
		return nil
	}
	proc, err := openProcfs()
	if err != nil {
		return err
	}
	defer unix.Close(proc)
	for key, value := range sysctl {
		if err := writeSysctl(proc, key, value); err != nil {
			return fmt.Errorf("sysctl %s: %w", key, err)
		}
	}
	return nil
}

func writeSysctl(proc int, key, value string) error {
	how := unix.OpenHow{
		Flags:   unix.O_WRONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
	}
	fd, err := unix.Openat2(proc, "sys/"+strings.ReplaceAll(key, ".", "/"), &how)
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), key)
	defer f.Close()
	if err := checkProcfs(fd); err != nil {
		return err
	}
	_, err = f.WriteString(value)
	return err
}

// openProcfs opens a procfs root of our own: a new instance (fsopen,
// fsmount: in no mount tree, nothing over it), or, where the kernel has
// no mount API or refuses it, the rootfs's /proc, checked to be the root
// of a procfs.
func openProcfs() (int, error) {
	if fd, err := newProcfs(); err == nil {
		return fd, nil
	}
	return openProcRoot("/proc")
}

// openProcRoot opens dir, which must be the root of a procfs itself: not
// a symlink, not another filesystem, not a directory inside one.
func openProcRoot(dir string) (int, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", dir, err)
	}
	var st unix.Stat_t
	err = checkProcfs(fd)
	if err == nil {
		err = unix.Fstat(fd, &st)
	}
	if err == nil && st.Ino != procRootIno {
		err = errors.New("not the root of a procfs")
	}
	if err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("%s: %w", dir, err)
	}
	return fd, nil
}

// procRootIno is the inode number of every procfs root (PROC_ROOT_INO).
const procRootIno = 1

func newProcfs() (int, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, err
	}
	return unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOEXEC)
}

// checkProcfs checks that fd is on a procfs.
func checkProcfs(fd int) error {
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err != nil {
		return err
	}
	if fs.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("not on a procfs (filesystem magic %#x)", fs.Type)
	}
	return nil
}
