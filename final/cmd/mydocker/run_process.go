package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	units "github.com/docker/go-units"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/state"
)

// processFlags are run's and create's flags for the container's process,
// with docker's names and defaults: how it is stopped, its environment
// from files, its labels.
func processFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "stop-signal", Usage: "the signal stop sends (default: the image's STOPSIGNAL, or SIGTERM)"},
		&cli.StringFlag{Name: "stop-timeout", Usage: "seconds stop waits after the stop signal before it kills, -1 for ever (default 10)"},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read environment variables from a file of K=V lines (before -e; repeatable)"},
		&cli.StringSliceFlag{Name: "l", Aliases: []string{"label"}, Usage: "set a label: K=V, or K for an empty value (repeatable)"},
		&cli.StringSliceFlag{Name: "label-file", Usage: "read labels from a file of K=V lines (repeatable)"},
		&cli.StringSliceFlag{Name: "ulimit", Usage: "a resource limit: NAME=SOFT[:HARD], docker's names (nofile, nproc, core, stack, memlock...), -1 unlimited (repeatable)"},
		&cli.StringFlag{Name: "shm-size", Usage: "the size of /dev/shm, such as 128m (default 64m)"},
		&cli.StringFlag{Name: "memory-swap", Usage: "memory plus swap, with -m, such as 1g; -1 for unlimited swap (default: no swap beyond -m)"},
		&cli.StringSliceFlag{Name: "sysctl", Usage: "a kernel parameter of the container's own namespaces: K=V, net.* (not with --network host), kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* (repeatable)"},
		&cli.StringSliceFlag{Name: "device", Usage: "give the container a host device: HOST[:CONTAINER][:PERMISSIONS], permissions of r, w, m (default rwm) (repeatable)"},
		&cli.StringFlag{Name: "ipc", Usage: "the IPC namespace: private (the default) or shareable (its own), host (the host's, and its /dev/shm), none (its own, no /dev/shm)"},
		&cli.BoolFlag{Name: "init", Usage: "run an init as PID 1 that passes signals on to the command and reaps zombies (docker's tini)"},
		&cli.StringSliceFlag{Name: "group-add", Usage: "another group for the container's user: a name in the image's /etc/group, or a number (repeatable)"},
	}
}

// parseProcess checks the process flags, before anything is made, into
// opts: the stop signal and timeout and the labels go into opts.Config,
// which useImage completes with the image's (imageProcess); the
// --env-file variables go before -e's in opts.Env, as docker's.
func parseProcess(cmd *cli.Command, opts *container.RunOptions) error {
	c := &opts.Config
	if cmd.IsSet("stop-signal") {
		s := cmd.String("stop-signal")
		if _, err := signals.Parse(s); err != nil {
			return fmt.Errorf("--stop-signal: %w", err)
		}
		c.StopSignal = s
	}
	if cmd.IsSet("stop-timeout") {
		t, err := parseStopTimeout(cmd.String("stop-timeout"))
		if err != nil {
			return err
		}
		c.StopTimeout = &t
	}
	fileEnv, err := readEnvFiles(cmd.StringSlice("env-file"))
	if err != nil {
		return err
	}
	opts.Env = append(fileEnv, opts.Env...)
	if c.Labels, err = readLabels(cmd.StringSlice("label-file"), cmd.StringSlice("l")); err != nil {
		return err
	}
	return parseLimits(cmd, opts)
}

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
	switch p.IpcMode = cmd.String("ipc"); p.IpcMode {
	case "", "private", "shareable", "host", "none":
	default:
		return fmt.Errorf("invalid IPC mode: %s: want private, shareable, host or none", p.IpcMode)
	}
	if p.Sysctls, err = parseSysctls(cmd.StringSlice("sysctl"), cmd.String("net") == "host", p.IpcMode == "host"); err != nil {
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
// namespace of the container's: not with --network host; the IPC keys
// not with --ipc host.
func parseSysctls(specs []string, hostNetwork, hostIPC bool) (map[string]string, error) {
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
			return nil, fmt.Errorf("sysctl '%s' is not allowed with --network host: it would set the host's", spec)
		case (strings.HasPrefix(key, "fs.mqueue.") || ipcSysctls[key]) && hostIPC:
			return nil, fmt.Errorf("sysctl '%s' is not allowed with --ipc host: it would set the host's", spec)
		case strings.HasPrefix(key, "net."), strings.HasPrefix(key, "fs.mqueue."), ipcSysctls[key]:
			sysctls[key] = value
		default:
			return nil, fmt.Errorf("sysctl '%s' is not allowed", spec)
		}
	}
	return sysctls, nil
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

// imageProcess completes c, the container's config, with the image's: its
// Labels under --label's, and its STOPSIGNAL unless --stop-signal was
// given. The image is not trusted: a STOPSIGNAL that is no signal refuses
// the run (docker would fall back to SIGTERM at stop), and the labels are
// only copied, as strings.
func imageProcess(image string, cfg v1.Config, given state.Config, c *state.Config) error {
	c.StopTimeout = given.StopTimeout
	c.StopSignal = given.StopSignal
	if c.StopSignal == "" && cfg.StopSignal != "" {
		if _, err := signals.Parse(cfg.StopSignal); err != nil {
			return fmt.Errorf("image %s: STOPSIGNAL: %w", image, err)
		}
		c.StopSignal = cfg.StopSignal
	}
	c.Labels = map[string]string{}
	maps.Copy(c.Labels, cfg.Labels)
	maps.Copy(c.Labels, given.Labels)
	return nil
}

// parseStopTimeout reads --stop-timeout: whole seconds, -1 (any negative
// number, as docker) for no limit.
func parseStopTimeout(s string) (int, error) {
	t, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid argument %q for \"--stop-timeout\" flag: want whole seconds", s)
	}
	return t, nil
}

// processConfig puts into inspect's .Config what the process flags
// recorded, with docker's keys: Labels always (an object, {} for none),
// StopSignal and StopTimeout only when set, as docker omits them.
func processConfig(c state.Config, config map[string]any) map[string]any {
	labels := c.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	config["Labels"] = labels
	if c.StopSignal != "" {
		config["StopSignal"] = c.StopSignal
	}
	if c.StopTimeout != nil {
		config["StopTimeout"] = *c.StopTimeout
	}
	return config
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
	hc["IpcMode"] = p.IpcMode
	if p.IpcMode == "" {
		hc["IpcMode"] = "private" // docker's default
	}
	return hc
}

// parseDevices reads each --device as docker: HOST[:CONTAINER][:PERMS],
// the container's path the host's when not given, permissions rwm by
// default. The host's path must be a device node now (each start reads
// it again).
func parseDevices(specs []string) ([]state.Device, error) {
	var list []state.Device
	for _, spec := range specs {
		parts := strings.Split(spec, ":")
		d := state.Device{PathOnHost: parts[0], CgroupPermissions: "rwm"}
		switch {
		case len(parts) > 3 || parts[0] == "":
			return nil, fmt.Errorf("bad format for path: %s", spec)
		case len(parts) == 3:
			if !validDeviceMode(parts[2]) {
				return nil, fmt.Errorf("bad mode specified: %s", parts[2])
			}
			d.PathInContainer, d.CgroupPermissions = parts[1], parts[2]
		case len(parts) == 2 && validDeviceMode(parts[1]):
			d.CgroupPermissions = parts[1]
		case len(parts) == 2:
			d.PathInContainer = parts[1]
		}
		if d.PathInContainer == "" {
			d.PathInContainer = d.PathOnHost
		}
		d.PathInContainer = path.Clean(d.PathInContainer)
		if !path.IsAbs(d.PathInContainer) {
			return nil, fmt.Errorf("%s is not an absolute path", d.PathInContainer)
		}
		if err := isDeviceNode(d.PathOnHost); err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, nil
}

// validDeviceMode is a set of r, w and m, each at most once.
func validDeviceMode(mode string) bool {
	if mode == "" || len(mode) > 3 {
		return false
	}
	for i, c := range mode {
		if !strings.ContainsRune("rwm", c) || strings.ContainsRune(mode[i+1:], c) {
			return false
		}
	}
	return true
}

// isDeviceNode checks that the host's path is a character or block device.
func isDeviceNode(p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("error gathering device information while adding custom device %q: %w", p, err)
	}
	if info.Mode()&os.ModeDevice == 0 {
		return fmt.Errorf("error gathering device information while adding custom device %q: not a device node", p)
	}
	return nil
}
