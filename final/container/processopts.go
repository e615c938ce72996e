package container

import (
	"fmt"
	"os"

	units "github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/state"
)

// initProcess is what init sets up for the command from the container's
// process options (run's --ulimit, --shm-size, --sysctl, --group-add,
// --init): the limits by setrlimit's numbers, -1 as unlimited.
func initProcess(p state.ProcessOptions) (initproc.Process, error) {
	out := initproc.Process{ShmSize: p.ShmSize, Sysctls: p.Sysctls, GroupAdd: p.GroupAdd, Init: p.Init, IpcMode: p.IpcMode}
	for _, u := range p.Ulimits {
		r, err := (&units.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard}).GetRlimit()
		if err != nil {
			return out, err
		}
		out.Rlimits = append(out.Rlimits, initproc.Rlimit{Resource: r.Type, Soft: r.Soft, Hard: r.Hard})
	}
	for _, d := range p.Devices {
		dev, err := hostDevice(d)
		if err != nil {
			return out, err
		}
		out.Devices = append(out.Devices, dev)
	}
	return out, nil
}

// hostDevice reads --device's node on the host, as each start finds it
// (a symlink, such as /dev/disk/by-id/..., followed): its type, numbers,
// mode and owner, made at its path inside.
func hostDevice(d state.Device) (specs.LinuxDevice, error) {
	var st unix.Stat_t
	if err := unix.Stat(d.PathOnHost, &st); err != nil {
		return specs.LinuxDevice{}, fmt.Errorf("error gathering device information while adding custom device %q: %w", d.PathOnHost, err)
	}
	kind := "c"
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
	case unix.S_IFBLK:
		kind = "b"
	default:
		return specs.LinuxDevice{}, fmt.Errorf("error gathering device information while adding custom device %q: not a device node", d.PathOnHost)
	}
	mode := os.FileMode(st.Mode & 0o777)
	uid, gid := st.Uid, st.Gid
	return specs.LinuxDevice{Path: d.PathInContainer, Type: kind, Major: int64(unix.Major(st.Rdev)),
		Minor: int64(unix.Minor(st.Rdev)), FileMode: &mode, UID: &uid, GID: &gid}, nil
}

// deviceRules are the device policy's rules for --device: each node's
// type and numbers with its permissions.
func deviceRules(devices []state.Device) ([]resources.DeviceRule, error) {
	var rules []resources.DeviceRule
	for _, d := range devices {
		dev, err := hostDevice(d)
		if err != nil {
			return nil, err
		}
		rules = append(rules, resources.DeviceRule{Type: dev.Type[0], Major: dev.Major, Minor: dev.Minor, Access: d.CgroupPermissions})
	}
	return rules, nil
}
