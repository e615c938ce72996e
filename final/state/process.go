package state

import "strings"

// ProcessOptions are the run flags for the container's process that its
// init applies before the command runs: limits, kernel parameters of its
// own namespaces, groups, and an init as PID 1. Kept with the container,
// so that start and restart apply them again.
type ProcessOptions struct {
	// Ulimits are --ulimit's, by docker's names (nofile, nproc, core...).
	Ulimits []Ulimit `json:"ulimits,omitempty"`
	// ShmSize is the size of /dev/shm in bytes (--shm-size); 0 is
	// docker's 64 MiB.
	ShmSize int64 `json:"shmSize,omitempty"`
	// Sysctls are --sysctl's: keys of the container's own namespaces only.
	Sysctls map[string]string `json:"sysctls,omitempty"`
	// GroupAdd are more groups for its user (--group-add): names of the
	// image's /etc/group, or numbers.
	GroupAdd []string `json:"groupAdd,omitempty"`
	// Devices are --device's host nodes made in the container and
	// allowed by its device policy.
	Devices []Device `json:"devices,omitempty"`
	// IpcMode is --ipc: "" or private or shareable (a System V IPC
	// namespace and /dev/shm of its own; shareable's is a tmpfs that
	// others can join), host (the host's, and its /dev/shm), none (its
	// own, no /dev/shm), container:ID (a shareable container's namespace
	// and /dev/shm).
	IpcMode string `json:"ipcMode,omitempty"`
	// PidMode is --pid: "" (a PID namespace of its own, the command as
	// PID 1), host (the host's), container:ID (another container's).
	PidMode string `json:"pidMode,omitempty"`
	// Init runs a small init as PID 1 that starts the command, forwards
	// signals to it and reaps zombies (--init).
	Init bool `json:"init,omitempty"`
}

// Ulimit is one --ulimit: a resource by docker's name, and its soft and
// hard limits (-1 is unlimited).
type Ulimit struct {
	Name string `json:"name"`
	Soft int64  `json:"soft"`
	Hard int64  `json:"hard"`
}

// Device is one --device, with docker's HostConfig.Devices keys: the
// host's node, its path inside, and what the container may do with it
// (r, w, m: read, write, mknod).
type Device struct {
	PathOnHost        string `json:"PathOnHost"`
	PathInContainer   string `json:"PathInContainer"`
	CgroupPermissions string `json:"CgroupPermissions"`
}

// SharedWith is the ID of the container whose namespace a mode
// (IpcMode, PidMode) joins, "" when it names none.
func SharedWith(mode string) string {
	id, ok := strings.CutPrefix(mode, "container:")
	if !ok {
		return ""
	}
	return id
}
