package main

import (
	"context"
	"errors"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch4-export/cgroups/resources"
	"github.com/mydocker/mydocker/ch4-export/container"
	"github.com/mydocker/mydocker/ch4-export/overlay"
)

// stopAtCommand makes flag parsing stop at the first positional argument:
// everything from the command on is the container's argv, so
// "mydocker run ls -l" never reads -l as a flag of ours.
var stopAtCommand = 1

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "Create a container with namespace and cgroups limit: mydocker run -ti [command]",
		UsageText: `mydocker run [-ti] [-m MEM] [-cpushare N] [-cpuset CPUS] [-v HOST:CONTAINER[:ro]]... COMMAND [ARG...]

   Everything after COMMAND belongs to the container. Use -- before a
   command that starts with a dash.`,
		StopOnNthArg: &stopAtCommand,
		Before:       useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "ti", Aliases: []string{"it"}, Usage: "connect the container to stdin (interactive)"},
			&cli.StringFlag{Name: "m", Aliases: []string{"memory"}, Usage: "memory limit, such as 100m (bytes, or k, m, g)"},
			&cli.StringFlag{Name: "cpushare", Aliases: []string{"cpu-shares"}, Usage: "relative CPU weight, 2 to 262144 (default 1024)"},
			&cli.StringFlag{Name: "cpuset", Aliases: []string{"cpuset-cpus"}, Usage: "CPUs the container may use, such as 0 or 0-1"},
			&cli.StringSliceFlag{Name: "v", Aliases: []string{"volume"}, Usage: "bind a host directory: /host/dir:/container/dir[:ro] (repeatable)"},
		},
		// A -v value is one path pair, even with a comma in it.
		DisableSliceFlagSeparator: true,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("run: missing container command")
			}
			res, err := parseResources(cmd)
			if err != nil {
				return err
			}
			volumes, err := parseVolumes(cmd.StringSlice("v"))
			if err != nil {
				return err
			}
			opts := container.RunOptions{
				TTY:       cmd.Bool("ti"),
				Command:   cmd.Args().Slice(),
				Debug:     cmd.Root().Bool("debug"),
				Resources: res,
				Root:      cmd.Root().String("root"),
				Volumes:   volumes,
			}
			status, err := container.Run(opts)
			if err != nil {
				return err
			}
			return exitStatus(status)
		},
	}
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
