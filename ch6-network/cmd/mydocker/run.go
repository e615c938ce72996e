package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch6-network/cgroups/resources"
	"github.com/mydocker/mydocker/ch6-network/container"
	"github.com/mydocker/mydocker/ch6-network/network"
	"github.com/mydocker/mydocker/ch6-network/overlay"
)

// stopAtCommand makes flag parsing stop at the first positional argument:
// everything from the command on is the container's argv, so
// "mydocker run ls -l" never reads -l as a flag of ours.
var stopAtCommand = 1

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "Create a container with namespace and cgroups limit: mydocker run -ti [command]",
		UsageText: `mydocker run [-ti|-d] [--rm] [--name NAME] [-e K=V|-e K]... [-m MEM] [-cpushare N] [-cpuset CPUS] [-v HOST:CONTAINER[:ro]]... [--net NAME] [-p H:C[/tcp|/udp]]... IMAGE COMMAND [ARG...]

   IMAGE names <root>/images/IMAGE.tar. Everything after IMAGE belongs to
   the container: use -- before an image that starts with a dash.`,
		StopOnNthArg: &stopAtCommand,
		Before:       useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "ti", Aliases: []string{"it"}, Usage: "connect the container to stdin (interactive)"},
			&cli.BoolFlag{Name: "d", Aliases: []string{"detach"}, Usage: "run in the background and print the container's ID"},
			&cli.BoolFlag{Name: "rm", Usage: "remove the container when it exits"},
			&cli.StringFlag{Name: "name", Usage: "the container's name (default: made up)"},
			&cli.StringSliceFlag{Name: "e", Aliases: []string{"env"}, Usage: "set an environment variable: K=V, or K for our value of K (repeatable)"},
			&cli.StringFlag{Name: "m", Aliases: []string{"memory"}, Usage: "memory limit, such as 100m (bytes, or k, m, g)"},
			&cli.StringFlag{Name: "cpushare", Aliases: []string{"cpu-shares"}, Usage: "relative CPU weight, 2 to 262144 (default 1024)"},
			&cli.StringFlag{Name: "cpuset", Aliases: []string{"cpuset-cpus"}, Usage: "CPUs the container may use, such as 0 or 0-1"},
			&cli.StringSliceFlag{Name: "v", Aliases: []string{"volume"}, Usage: "bind a host directory: /host/dir:/container/dir[:ro] (repeatable)"},
			&cli.StringFlag{Name: "net", Aliases: []string{"network"}, Usage: "the network to join (mydocker network create)"},
			&cli.StringSliceFlag{Name: "p", Aliases: []string{"publish"}, Usage: "map a host port: HOSTPORT:CONTAINERPORT[/tcp|/udp] (repeatable)"},
		},
		// A -v or -e value is one value, even with a comma in it.
		DisableSliceFlagSeparator: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			opts, err := runOptions(cmd)
			if err != nil {
				return err
			}
			st, status, err := container.Run(opts)
			if err != nil {
				return err
			}
			if opts.Detach {
				fmt.Println(st.ID)
				return nil
			}
			return exitStatus(status)
		},
	}
}

// runOptions checks every flag and argument before anything is created.
func runOptions(cmd *cli.Command) (container.RunOptions, error) {
	opts := container.RunOptions{
		TTY:        cmd.Bool("ti"),
		Detach:     cmd.Bool("d"),
		AutoRemove: cmd.Bool("rm"),
		Name:       cmd.String("name"),
		Debug:      cmd.Root().Bool("debug"),
		Root:       cmd.Root().String("root"),
	}
	if opts.TTY && opts.Detach {
		return opts, errors.New("run: -ti and -d cannot be used together")
	}
	if cmd.IsSet("name") && opts.Name == "" {
		return opts, errors.New(`invalid container name "": want [a-zA-Z0-9][a-zA-Z0-9_.-]*`)
	}
	args := cmd.Args().Slice()
	switch len(args) {
	case 0:
		return opts, errors.New("run: missing image and container command")
	case 1:
		return opts, errors.New("run: missing container command")
	}
	opts.Image, opts.Command = args[0], args[1:]
	var err error
	if opts.Env, err = parseEnv(cmd.StringSlice("e")); err != nil {
		return opts, err
	}
	if opts.Resources, err = parseResources(cmd); err != nil {
		return opts, err
	}
	if opts.Volumes, err = parseVolumes(cmd.StringSlice("v")); err != nil {
		return opts, err
	}
	opts.Network = cmd.String("net")
	for _, spec := range cmd.StringSlice("p") {
		p, err := network.ParsePort(spec)
		if err != nil {
			return opts, err
		}
		opts.Ports = append(opts.Ports, p)
	}
	if len(opts.Ports) > 0 && opts.Network == "" {
		return opts, errors.New("run: -p needs --net: a port is mapped to the container's address on a network")
	}
	return opts, nil
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

// parseVolumes checks every -v before anything is created.
func parseVolumes(specs []string) ([]overlay.Volume, error) {
	var volumes []overlay.Volume
	for _, spec := range specs {
		v, err := overlay.ParseVolume(spec)
		if err != nil {
			return nil, err
		}
		volumes = append(volumes, v)
	}
	return volumes, nil
}
