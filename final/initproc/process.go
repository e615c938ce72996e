package initproc

import (
	"fmt"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/internal/passwd"
	"github.com/mydocker/mydocker/final/internal/procfs"
)

// Process is what init sets up for the command besides its mounts and
// confinement (run's --ulimit, --shm-size, --sysctl, --group-add,
// --device, --init, --ipc).
type Process struct {
	Rlimits []Rlimit `json:"rlimits,omitempty"`
	// ShmSize is /dev/shm's size in bytes; 0 is docker's 64 MiB.
	ShmSize int64 `json:"shmSize,omitempty"`
	// Sysctls are keys of the container's own namespaces (checked by the
	// CLI), written in them before the command runs.
	Sysctls  map[string]string `json:"sysctls,omitempty"`
	GroupAdd []string          `json:"groupAdd,omitempty"`
	// Devices are --device's nodes, made in /dev as the default ones are.
	Devices []specs.LinuxDevice `json:"devices,omitempty"`
	Init    bool                `json:"init,omitempty"`
	// IpcMode is --ipc: host binds the host's /dev/shm, none mounts none.
	IpcMode string `json:"ipcMode,omitempty"`
	// ShmSource, when set, is the host's tmpfs that /dev/shm binds: a
	// shareable container's own (which its monitor mounted), or the one
	// of the container whose IPC namespace it joins (--ipc container:).
	// It is a directory of ours under --root, never a path the container
	// controls.
	ShmSource string `json:"shmSource,omitempty"`
}

// Rlimit is one resource limit: setrlimit(2)'s resource, soft and hard.
type Rlimit struct {
	Resource int    `json:"resource"`
	Soft     uint64 `json:"soft"`
	Hard     uint64 `json:"hard"`
}

// shmMounts is /dev/shm as --ipc wants it: the container's own tmpfs of
// shmSize bytes (m, from containerMounts), the host's /dev/shm with the
// host's IPC namespace, the tmpfs at p.ShmSource (shareable, container:),
// nothing with none.
func shmMounts(mounts []specs.Mount, p Process) []specs.Mount {
	out := mounts[:0:0]
	for _, m := range mounts {
		switch {
		case m.Destination != "/dev/shm":
			out = append(out, m)
		case p.IpcMode == "host":
			out = append(out, shmBind("/dev/shm"))
		case p.ShmSource != "":
			out = append(out, shmBind(p.ShmSource))
		case p.IpcMode != "none":
			out = append(out, m)
		}
	}
	return out
}

func shmBind(source string) specs.Mount {
	return specs.Mount{Destination: "/dev/shm", Type: "bind", Source: source, Options: []string{"rbind", "rprivate", "nosuid", "nodev", "noexec"}}
}

// DefaultShmSize is /dev/shm's size without --shm-size, as docker's.
const DefaultShmSize = 64 << 20

// setRlimits sets the limits, as root still: raising a hard limit needs
// CAP_SYS_RESOURCE, which the container does not keep. The command
// inherits them across the exec. Through syscall.Setrlimit, so that the
// Go runtime, which raised its own RLIMIT_NOFILE at start, does not put
// its saved value back at the exec.
func setRlimits(list []Rlimit) error {
	for _, r := range list {
		lim := syscall.Rlimit{Cur: r.Soft, Max: r.Hard}
		if err := syscall.Setrlimit(r.Resource, &lim); err != nil {
			return fmt.Errorf("set the limit %d to %d:%d: %w", r.Resource, r.Soft, r.Hard, err)
		}
	}
	return nil
}

// writeSysctls writes --sysctl in the container's namespaces, through a
// procfs of our own (package procfs): never by a path of its root.
func writeSysctls(sysctls map[string]string) error {
	if err := procfs.WriteSysctls(sysctls); err != nil {
		return fmt.Errorf("--sysctl: %w", err)
	}
	return nil
}

// addGroups gives the user --group-add's groups, from the image's
// /etc/group (init runs it after the pivot).
func addGroups(cred *passwd.Credential, names []string) error {
	return passwd.AddGroups("/", cred, names)
}
