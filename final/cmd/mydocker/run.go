package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/seccomp"
	"github.com/mydocker/mydocker/final/security"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
)

// stopAtCommand makes flag parsing stop at the first positional argument:
// everything from the command on is the container's argv, so
// "mydocker run ls -l" never reads -l as a flag of ours.
var stopAtCommand = 1

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "run a command in a new container: mydocker run [-it] [-d] IMAGE [COMMAND]",
		UsageText: `mydocker run [-d] [-i] [-t] [--rm] [--name NAME] [-e K=V|-e K]... [-m MEM] [--cpus N] [--cpu-shares N] [--cpuset-cpus CPUS] [--pids-limit N] [-v HOST|NAME:CONTAINER[:ro]]... [--network NAME|bridge|none|host] [-p [IP:][H[-H]:]C[-C][/tcp|/udp]]... [--expose PORT[/PROTO]]... [-P] [--restart POLICY] [--hostname H] [--entrypoint CMD] [-w DIR] [-u USER[:GROUP]] [--read-only] [--log-opt K=V]... [--privileged] [--cap-add CAP]... [--cap-drop CAP]... [--security-opt OPT]... IMAGE [COMMAND [ARG...]]

   IMAGE is a name[:tag], name@digest or image ID; one that is not here is
   pulled first, as docker does. COMMAND replaces the image's Cmd. Everything
   after IMAGE belongs to the container: use -- before an image that starts
   with a dash.`,
		StopOnNthArg: &stopAtCommand,
		Before:       useRoot,
		Flags:        runFlags(),
		// -it and -dit are -i -t and -d -i -t, as docker's.
		UseShortOptionHandling: true,
		// A -v or -e value is one value, even with a comma in it.
		DisableSliceFlagSeparator: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts, err := prepareRun(ctx, cmd)
			if err != nil {
				return err
			}
			if opts.Detach {
				return runMonitored(cmd, opts)
			}
			return runAttached(cmd, opts)
		},
	}
}

// runFlags are the flags of run and create.
func runFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.BoolFlag{Name: "i", Aliases: []string{"interactive"}, Usage: "keep the container's stdin open, connected to ours"},
		&cli.BoolFlag{Name: "t", Aliases: []string{"tty"}, Usage: "give the container a terminal of its own (with -i: ours, in raw mode; ctrl-p ctrl-q detaches)"},
		&cli.BoolFlag{Name: "d", Aliases: []string{"detach"}, Usage: "run in the background and print the container's ID"},
		&cli.BoolFlag{Name: "rm", Usage: "remove the container when it exits"},
		&cli.StringFlag{Name: "name", Usage: "the container's name (default: made up)"},
		&cli.StringSliceFlag{Name: "e", Aliases: []string{"env"}, Usage: "set an environment variable: K=V, or K for our value of K (repeatable)"},
		&cli.StringFlag{Name: "m", Aliases: []string{"memory"}, Usage: "memory limit, such as 100m (bytes, or k, m, g)"},
		&cli.StringFlag{Name: "cpushare", Aliases: []string{"cpu-shares"}, Usage: "relative CPU weight, 2 to 262144 (default 1024)"},
		&cli.StringFlag{Name: "cpuset", Aliases: []string{"cpuset-cpus"}, Usage: "CPUs the container may use, such as 0 or 0-1"},
		&cli.StringFlag{Name: "cpus", Usage: "how many CPUs' time it may use, such as 0.5 (a CFS quota)"},
		&cli.StringFlag{Name: "pids-limit", Usage: "the most processes it may have at once (0 or -1: no limit)"},
		&cli.StringSliceFlag{Name: "v", Aliases: []string{"volume"}, Usage: "bind a host directory: /host/dir:/container/dir[:ro] (repeatable)"},
		&cli.StringSliceFlag{Name: "net", Aliases: []string{"network"}, Usage: "the network to join: bridge (the default, made on first use), none, host, container:NAME, or one of network create; again for more networks"},
		&cli.StringFlag{Name: "restart", Value: "no", Usage: "restart policy: no, on-failure[:N] or always (stop ends it)"},
		&cli.BoolFlag{Name: "read-only", Usage: "mount the container's root filesystem read-only (volumes stay as they are)"},
		&cli.StringFlag{Name: "hostname", Aliases: []string{"h"}, Usage: "the container's host name (default: its short ID)"},
		&cli.StringFlag{Name: "entrypoint", Usage: "replace the image's Entrypoint (and drop its Cmd); \"\" for none"},
		&cli.StringFlag{Name: "w", Aliases: []string{"workdir"}, Usage: "the working directory inside (default: the image's WorkingDir, or /)"},
		&cli.StringFlag{Name: "u", Aliases: []string{"user"}, Usage: "the user inside: NAME|UID[:GROUP|GID] (default: the image's User, or root)"},
		&cli.StringSliceFlag{Name: "log-opt", Usage: "cap the log: max-size=SIZE (default 20m), max-file=N (default 5)"},
		&cli.BoolFlag{Name: "privileged", Usage: "give the container all of root's powers: every capability, no seccomp, no masked paths, the host's devices, a writable /sys"},
		&cli.StringSliceFlag{Name: "cap-add", Usage: "add a capability to docker's default 14 (NAME or CAP_NAME, or ALL; repeatable)"},
		&cli.StringSliceFlag{Name: "cap-drop", Usage: "drop a capability (NAME or CAP_NAME, or ALL; repeatable)"},
		&cli.StringSliceFlag{Name: "security-opt", Usage: "seccomp=unconfined|FILE (default: docker's profile), no-new-privileges[=true|false] (default true)"},
	}
	flags = append(flags, nameFlags()...)
	flags = append(flags, volumeFlags()...)
	flags = append(flags, healthFlags()...)
	flags = append(flags, portFlags()...)
	return flags
}

// createCommand makes a container without starting it, as docker create.
func createCommand() *cli.Command {
	return &cli.Command{
		Name:                      "create",
		Usage:                     "create a container without starting it (start runs it): run's flags",
		UsageText:                 "mydocker create [run's flags] IMAGE [COMMAND [ARG...]]",
		StopOnNthArg:              &stopAtCommand,
		Before:                    useRoot,
		Flags:                     runFlags(),
		UseShortOptionHandling:    true,
		DisableSliceFlagSeparator: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts, err := prepareRun(ctx, cmd)
			if err != nil {
				return err
			}
			st, err := container.Create(opts)
			if err != nil {
				return err
			}
			fmt.Println(st.ID)
			return nil
		},
	}
}

// prepareRun is what run and create do before the container: every flag
// checked, the image found or pulled, and what is made on first use made.
func prepareRun(ctx context.Context, cmd *cli.Command) (container.RunOptions, error) {
	opts, err := runOptions(cmd)
	if err == nil {
		// Here, not only in the monitor: what it warns of is seen.
		reconcile(state.Store{Root: opts.Root})
	}
	if err == nil {
		err = useImage(ctx, cmd, &opts)
	}
	if err == nil {
		err = makeOnFirstUse(opts)
	}
	return opts, err
}

// runOptions checks every flag and argument before anything is created.
func runOptions(cmd *cli.Command) (container.RunOptions, error) {
	opts := container.RunOptions{
		TTY:         cmd.Bool("t"),
		Interactive: cmd.Bool("i"),
		Detach:      cmd.Bool("d"),
		AutoRemove:  cmd.Bool("rm"),
		Name:        cmd.String("name"),
		Debug:       cmd.Root().Bool("debug"),
		Root:        cmd.Root().String("root"),
	}
	if opts.TTY {
		opts.ConsoleSize = windowSize()
	}
	if cmd.IsSet("name") && opts.Name == "" {
		return opts, errors.New(`invalid container name "": want [a-zA-Z0-9][a-zA-Z0-9_.-]*`)
	}
	args := cmd.Args().Slice()
	if len(args) == 0 {
		return opts, errors.New("run: missing image: mydocker run [OPTIONS] IMAGE [COMMAND [ARG...]]")
	}
	opts.Image, opts.Command = args[0], args[1:]
	opts.Hostname, opts.ReadOnly = cmd.String("hostname"), cmd.Bool("read-only")
	if h := opts.Hostname; cmd.IsSet("hostname") && !validHostname.MatchString(h) {
		return opts, fmt.Errorf("run: invalid hostname %q: want letters, digits, '-' and '.', at most 63 a label", h)
	}
	if w := cmd.String("w"); cmd.IsSet("w") && !strings.HasPrefix(w, "/") {
		return opts, fmt.Errorf("run: the working directory %q is not an absolute path", w)
	}
	var err error
	if opts.DNS, err = parseDNS(cmd); err != nil {
		return opts, err
	}
	if opts.Aliases, err = parseAliases(cmd); err != nil {
		return opts, err
	}
	if opts.Log, err = parseLogOpts(cmd.StringSlice("log-opt")); err != nil {
		return opts, err
	}
	if opts.Security, err = parseSecurity(cmd); err != nil {
		return opts, err
	}
	if opts.Env, err = parseEnv(cmd.StringSlice("e")); err != nil {
		return opts, err
	}
	if opts.Resources, err = parseResources(cmd); err != nil {
		return opts, err
	}
	if opts.Volumes, err = parseVolumes(cmd.StringSlice("v"), opts.Root); err != nil {
		return opts, err
	}
	mounts, tmpfs, err := parseMounts(cmd.StringSlice("mount"), opts.Root)
	if err != nil {
		return opts, err
	}
	opts.Volumes = append(opts.Volumes, mounts...)
	if opts.Tmpfs, err = parseTmpfs(cmd.StringSlice("tmpfs")); err != nil {
		return opts, err
	}
	opts.Tmpfs = append(opts.Tmpfs, tmpfs...)
	if err := checkTargets(opts.Volumes, opts.Tmpfs); err != nil {
		return opts, err
	}
	// As docker: a container joins "bridge" unless told otherwise.
	opts.Network = network.DefaultName
	nets := cmd.StringSlice("net")
	if len(nets) > 0 {
		opts.Network = nets[0]
	}
	if err := moreNetworks(nets, &opts); err != nil {
		return opts, err
	}
	switch {
	case opts.Network == "none":
		opts.Network = "" // lo alone, as without --network
	case opts.Network == "host":
		opts.Network, opts.HostNetwork = "", true
	case strings.HasPrefix(opts.Network, "container:"):
		if err := joinNetworkOf(cmd, &opts); err != nil {
			return opts, err
		}
	}
	if err := parsePorts(cmd, &opts); err != nil {
		return opts, err
	}
	if opts.Restart, err = state.ParseRestartPolicy(cmd.String("restart")); err != nil {
		return opts, err
	}
	if opts.Restart.Name != "" && opts.AutoRemove {
		return opts, errors.New("run: conflicting options: --restart and --rm")
	}
	if len(opts.Ports) > 0 && opts.HostNetwork {
		return opts, errors.New("run: -p with --network host: the container's ports are the host's own already")
	}
	if len(opts.Ports) > 0 && opts.Network == "" {
		return opts, errors.New("run: -p with --network none: a port is mapped to the container's address on a network")
	}
	return opts, nil
}

// parseLogOpts reads --log-opt max-size=SIZE and max-file=N.
func parseLogOpts(specs []string) (container.LogOptions, error) {
	opts := container.DefaultLogOptions
	for _, spec := range specs {
		key, value, _ := strings.Cut(spec, "=")
		switch key {
		case "max-size":
			size, err := parseSize(value)
			if err != nil || size <= 0 {
				return opts, fmt.Errorf("invalid --log-opt %q: want max-size=SIZE, such as 10m", spec)
			}
			opts.MaxSize = size
		case "max-file":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return opts, fmt.Errorf("invalid --log-opt %q: want max-file=N, N at least 1", spec)
			}
			opts.MaxFiles = n
		default:
			return opts, fmt.Errorf("unknown --log-opt %q: want max-size=SIZE or max-file=N", spec)
		}
	}
	return opts, nil
}

// parseSecurity checks --privileged, --cap-add, --cap-drop and
// --security-opt before anything is made: a capability's name, and that a
// seccomp profile file is one.
func parseSecurity(cmd *cli.Command) (state.SecurityOptions, error) {
	o := state.SecurityOptions{Privileged: cmd.Bool("privileged"), CapAdd: cmd.StringSlice("cap-add"), CapDrop: cmd.StringSlice("cap-drop")}
	for _, spec := range cmd.StringSlice("security-opt") {
		key, value, hasValue := strings.Cut(spec, "=")
		if !hasValue {
			key, value, hasValue = strings.Cut(spec, ":") // docker's older form
		}
		switch {
		case key == "seccomp" && hasValue && value != "":
			o.Seccomp = value
		case key == "no-new-privileges" && (!hasValue || value == "true"):
			o.NewPrivileges = false
		case key == "no-new-privileges" && value == "false":
			o.NewPrivileges = true
		default:
			return o, fmt.Errorf("invalid --security-opt %q: want seccomp=unconfined|FILE or no-new-privileges[=true|false]", spec)
		}
	}
	caps, err := security.Capabilities(o.CapAdd, o.CapDrop, o.Privileged)
	if err != nil {
		return o, err
	}
	if !o.Privileged {
		if _, err := seccomp.Profile(o.Seccomp, caps); err != nil {
			return o, err
		}
	}
	return o, nil
}

// parseSize reads a size as docker's --log-opt max-size: a number of
// bytes, or of k, m or g.
func parseSize(s string) (int64, error) {
	unit := int64(1)
	if n := len(s); n > 0 {
		switch strings.ToLower(s[n-1:]) {
		case "k":
			unit = 1 << 10
		case "m":
			unit = 1 << 20
		case "g":
			unit = 1 << 30
		}
		if unit > 1 {
			s = s[:n-1]
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || v > (1<<62)/unit {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return v * unit, nil
}

// parseEnv checks each -e: K=V, or K alone for our value of K (left out
// when we have none), as docker does.
func parseEnv(specs []string) ([]string, error) {
	var env []string
	for _, spec := range specs {
		key, _, hasValue := strings.Cut(spec, "=")
		if key == "" || strings.ContainsAny(key, "\x00") {
			return nil, fmt.Errorf("invalid environment variable %q: want K=V or K", spec)
		}
		if hasValue {
			env = append(env, spec)
		} else if value, ok := os.LookupEnv(key); ok {
			env = append(env, key+"="+value)
		}
	}
	return env, nil
}

// parseResources checks the limit flags before anything is created.
func parseResources(cmd *cli.Command) (resources.Resources, error) {
	var res resources.Resources
	var err error
	if s := cmd.String("m"); s != "" {
		if res.Memory, err = resources.ParseMemory(s); err != nil {
			return res, err
		}
	}
	if s := cmd.String("cpushare"); s != "" {
		if res.CPUShares, err = resources.ParseCPUShares(s); err != nil {
			return res, err
		}
	}
	if s := cmd.String("cpus"); s != "" {
		if res.NanoCPUs, err = resources.ParseCPUs(s, runtime.NumCPU()); err != nil {
			return res, err
		}
	}
	if s := cmd.String("pids-limit"); s != "" {
		if res.PidsLimit, err = resources.ParsePidsLimit(s); err != nil {
			return res, err
		}
	}
	if s := cmd.String("cpuset"); s != "" {
		online, err := resources.OnlineCPUs()
		if err != nil {
			return res, err
		}
		if res.CPUSet, err = resources.ParseCPUSet(s, online); err != nil {
			return res, err
		}
	}
	return res, nil
}

// makeOnFirstUse creates what the run uses and that is made on first
// use, as in docker: the named volumes it binds, and the default network
// "bridge". Only now, once every flag and the image are known to be good.
func makeOnFirstUse(opts container.RunOptions) error {
	if opts.Network == network.DefaultName || slices.ContainsFunc(opts.MoreNetworks, func(a state.NetworkAttach) bool { return a.Name == network.DefaultName }) {
		if _, err := (network.Store{Root: opts.Root}).Default(); err != nil {
			return err
		}
	}
	// Anonymous volumes are made with the container (container.Run):
	// one that never runs leaves none behind.
	vols := volume.Store{Root: opts.Root}
	for _, v := range opts.Volumes {
		if v.Name != "" && !v.Anonymous {
			if _, err := vols.Create(v.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// useImage finds the image of the run, pulling it when it is not here
// (docker's "Unable to find image locally"), and makes the container's
// config of the image's with the flags over it: COMMAND replaces Cmd,
// --entrypoint replaces Entrypoint (and drops Cmd), -e goes over Env, -w
// over WorkingDir and -u over User.
func useImage(ctx context.Context, cmd *cli.Command, opts *container.RunOptions) error {
	images := image.Store{Root: opts.Root}
	img, err := getOrPull(ctx, images, opts.Image)
	if err != nil {
		return err
	}
	// Held until this process exits (main): an rmi meanwhile must not
	// take the layers that the container is about to be made on.
	if img, err = images.Hold(img.ID); err != nil {
		return err
	}
	cfg, err := images.Config(img)
	if err != nil {
		return err
	}
	c := state.Config{
		Entrypoint: cfg.Config.Entrypoint, Cmd: cfg.Config.Cmd,
		WorkingDir: cfg.Config.WorkingDir, User: cfg.Config.User,
		Env:          image.MergeEnv(cfg.Config.Env, opts.Env),
		ExposedPorts: exposedPorts(cfg.Config.ExposedPorts, cmd, opts.Ports),
	}
	if cmd.IsSet("entrypoint") {
		c.Entrypoint, c.Cmd = nil, nil
		if ep := cmd.String("entrypoint"); ep != "" {
			c.Entrypoint = []string{ep}
		}
	}
	if len(opts.Command) > 0 {
		c.Cmd = opts.Command
	}
	if cmd.IsSet("w") {
		c.WorkingDir = cmd.String("w")
	}
	if cmd.IsSet("u") {
		c.User = cmd.String("u")
	}
	opts.Command = append(append([]string{}, c.Entrypoint...), c.Cmd...)
	if len(opts.Command) == 0 {
		return fmt.Errorf("run: missing container command: image %s has no Entrypoint or Cmd, so give one after the image", opts.Image)
	}
	opts.ImageID, opts.Layers, opts.Config, opts.Env = img.ID, images.Lowers(img), c, c.Env
	opts.Volumes = append(opts.Volumes, imageVolumes(cfg.Config.Volumes, mountTargets(*opts), opts.Root)...)
	if opts.Healthcheck, err = parseHealth(cmd, cfg.Config.Healthcheck); err != nil {
		return err
	}
	return nil
}

// validHostname is an RFC 1123 host name: labels of letters, digits and
// '-', at most 63 each, joined by dots.
var validHostname = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`)
