package initproc

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// containerMounts are what every mydocker container gets mounted, written
// as an OCI spec's mounts: init hands them to the code that mounts a
// bundle's (rootfs.Rootfs), so that a container of mydocker run and one of
// mydocker-runc are made the same way. /proc shows the container's PID
// namespace; /sys is read-only, as docker's, and so is the cgroup fs (from
// the container's cgroup namespace), both writable with --privileged; /dev
// is a tmpfs of its own with a private devpts and /dev/shm (the book left
// it an empty tmpfs, where even "cmd > /dev/null" failed), of shmSize
// bytes (--shm-size, docker's 64 MiB by default).
func containerMounts(privileged bool, shmSize int64) []specs.Mount {
	ro := "ro"
	if privileged {
		ro = "rw"
	}
	return []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid", "noexec", "nodev"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", ro}},
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"nosuid", "noexec", "nodev", ro}},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		// newinstance: the container's ptys are its own, not the host's.
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "nodev", "noexec", "mode=1777", fmt.Sprintf("size=%d", shmSize)}},
	}
}

// hostDevices are the host's device nodes as a spec's linux.devices,
// for --privileged (listHostDevices).
func hostDevices(list []hostDevice) []specs.LinuxDevice {
	var devices []specs.LinuxDevice
	for _, d := range list {
		kind := "c"
		if d.mode&unix.S_IFMT == unix.S_IFBLK {
			kind = "b"
		}
		mode := os.FileMode(d.mode & 0o7777)
		uid, gid := uint32(d.uid), uint32(d.gid)
		devices = append(devices, specs.LinuxDevice{Path: d.path, Type: kind,
			Major: int64(unix.Major(d.rdev)), Minor: int64(unix.Minor(d.rdev)), FileMode: &mode, UID: &uid, GID: &gid})
	}
	return devices
}
