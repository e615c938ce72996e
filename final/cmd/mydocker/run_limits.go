package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	units "github.com/docker/go-units"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// parseLimits checks --ulimit, --shm-size, --memory-swap, --sysctl and
// --group-add into opts.Process and opts.Resources, with docker's rules.
func parseLimits(cmd *cli.Command, opts *container.RunOptions) error {
	p := &opts.Process
	var err error
	if p.Ulimits, err = parseUlimits(cmd.StringSlice("ulimit")); err != nil {
		return err
	}
	if cmd.IsSet("shm-size") {
		if p.ShmSize, err = parseShmSize(cmd.String("shm-size")); err != nil {
			return err
		}
	}
	if cmd.IsSet("memory-swap") {
		if opts.Resources.MemorySwap, err = parseMemorySwap(cmd.String("memory-swap"), opts.Resources.Memory); err != nil {
			return err
		}
	}
	if err := parseIpcPid(cmd, opts); err != nil {
		return err
	}
	if p.Sysctls, err = parseSysctls(cmd.StringSlice("sysctl"), !ownNetns(cmd.StringSlice("net")), p.IpcMode); err != nil {
		return err
	}
	if p.Devices, err = parseDevices(cmd.StringSlice("device")); err != nil {
		return err
	}
	p.Init = cmd.Bool("init")
	p.GroupAdd = cmd.StringSlice("group-add")
	for _, g := range p.GroupAdd {
		if g == "" || strings.ContainsAny(g, ":\n\x00") {
			return fmt.Errorf("invalid --group-add %q: want a group name or number", g)
		}
	}
	return nil
}

// parseUlimits reads each --ulimit with docker's own parser (go-units):
// its names, SOFT[:HARD], soft at most hard; a name given again replaces
// the first, as docker's.
func parseUlimits(specs []string) ([]state.Ulimit, error) {
	var list []state.Ulimit
	for _, spec := range specs {
		u, err := units.ParseUlimit(spec)
		if err != nil {
			return nil, fmt.Errorf("invalid argument %q for \"--ulimit\" flag: %w", spec, err)
		}
		list = slices.DeleteFunc(list, func(have state.Ulimit) bool { return have.Name == u.Name })
		list = append(list, state.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard})
	}
	return list, nil
}

// parseShmSize reads --shm-size as docker: a size (go-units' RAMInBytes:
// 64m, 1g, 512k, bytes); 0 is the default, 64m.
func parseShmSize(s string) (int64, error) {
	n, err := units.RAMInBytes(s)
	if err != nil {
		return 0, fmt.Errorf("invalid argument %q for \"--shm-size\" flag: %w", s, err)
	}
	if n < 0 {
		return 0, errors.New("SHM size can not be less than 0")
	}
	return n, nil
}

// parseMemorySwap reads --memory-swap with docker's rules: -1 is
// unlimited swap; any other value is memory plus swap, needs -m (memory)
// and may not be below it.
func parseMemorySwap(s string, memory int64) (int64, error) {
	if s == "-1" {
		return -1, nil
	}
	n, err := units.RAMInBytes(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid argument %q for \"--memory-swap\" flag: want a size such as 1g, or -1", s)
	}
	switch {
	case n > 0 && memory == 0:
		return 0, errors.New("You should always set the Memory limit when using Memoryswap limit, see usage")
	case n > 0 && n < memory:
		return 0, errors.New("Minimum memoryswap limit should be larger than memory limit, see usage")
	}
	return n, nil
}

// ipcSysctls are the kernel.* keys of an IPC namespace: with fs.mqueue.*
// and net.* the only ones docker lets --sysctl set.
var ipcSysctls = map[string]bool{
	"kernel.msgmax": true, "kernel.msgmnb": true, "kernel.msgmni": true, "kernel.sem": true,
	"kernel.shmall": true, "kernel.shmmax": true, "kernel.shmmni": true, "kernel.shm_rmid_forced": true,
}

// parseSysctls reads each --sysctl K=V, allowing only docker's keys,
// which are the container's own namespaces': anything else (vm.*,
// kernel.core_pattern) would set the host's. net.* needs a network
// namespace of the container's own: not with --network host or
// container:NAME; the IPC keys need an IPC namespace of its own: not
// with --ipc host or container:NAME.
func parseSysctls(specs []string, hostNetwork bool, ipcMode string) (map[string]string, error) {
	sharedIPC := ipcMode == "host" || state.SharedWith(ipcMode) != ""
	if len(specs) == 0 {
		return nil, nil
	}
	sysctls := map[string]string{}
	for _, spec := range specs {
		key, value, ok := strings.Cut(spec, "=")
		if !ok || !validSysctlKey(key) || strings.ContainsAny(value, "\x00") {
			return nil, fmt.Errorf("sysctl '%s' is not allowed", spec)
		}
		switch {
		case strings.HasPrefix(key, "net.") && hostNetwork:
			return nil, fmt.Errorf("sysctl '%s' is not allowed with --network host or container:NAME: the network namespace is not the container's own", spec)
		case (strings.HasPrefix(key, "fs.mqueue.") || ipcSysctls[key]) && sharedIPC:
			return nil, fmt.Errorf("sysctl '%s' is not allowed with --ipc host or container:NAME: the IPC namespace is not the container's own", spec)
		case strings.HasPrefix(key, "net."), strings.HasPrefix(key, "fs.mqueue."), ipcSysctls[key]:
			sysctls[key] = value
		default:
			return nil, fmt.Errorf("sysctl '%s' is not allowed", spec)
		}
	}
	return sysctls, nil
}

// ownNetns says whether the container gets a network namespace of its own
// with these --network values: not with host, nor with container:NAME
// (another's).
func ownNetns(nets []string) bool {
	for _, n := range nets {
		if n == "host" || strings.HasPrefix(n, "container:") {
			return false
		}
	}
	return true
}

// validSysctlKey is a key whose path under /proc/sys stays there: dotted
// parts, none empty, none with a / (or a NUL).
func validSysctlKey(key string) bool {
	for _, part := range strings.Split(key, ".") {
		if part == "" || strings.ContainsAny(part, "/\x00") {
			return false
		}
	}
	return true
}

// processHostConfig puts into inspect's .HostConfig what the process
// flags set, with docker's keys: ShmSize (64 MiB by default), Ulimits ([]
// for none), GroupAdd, MemorySwap (with -m alone: -m, since no swap is
// allowed beyond it), Sysctls and Init only when set, as docker omits them.
func processHostConfig(st *state.Container, hc map[string]any) map[string]any {
	p := st.Process
	shm := p.ShmSize
	if shm == 0 {
		shm = 64 << 20
	}
	ulimits := []map[string]any{}
	for _, u := range p.Ulimits {
		ulimits = append(ulimits, map[string]any{"Name": u.Name, "Soft": u.Soft, "Hard": u.Hard})
	}
	swap := st.Resources.MemorySwap
	if swap == 0 {
		swap = st.Resources.Memory
	}
	devices := p.Devices
	if devices == nil {
		devices = []state.Device{}
	}
	hc["ShmSize"], hc["Ulimits"], hc["GroupAdd"], hc["MemorySwap"], hc["Devices"] = shm, ulimits, p.GroupAdd, swap, devices
	if len(p.Sysctls) > 0 {
		hc["Sysctls"] = p.Sysctls
	}
	if p.Init {
		hc["Init"] = true
	}
	hc["IpcMode"], hc["PidMode"] = p.IpcMode, p.PidMode
	if p.IpcMode == "" {
		hc["IpcMode"] = "private" // docker's default
	}
	return hc
}
