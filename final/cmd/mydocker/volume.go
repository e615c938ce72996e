package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/volume"
)

// volumeCommand manages named volumes, as docker volume.
func volumeCommand() *cli.Command {
	return &cli.Command{
		Name:  "volume",
		Usage: "manage volumes: create, ls, rm, inspect, prune",
		Commands: []*cli.Command{
			{
				Name: "create", Usage: "create a volume (a random name when none is given)", ArgsUsage: "[NAME]", Before: useRoot,
				Flags: []cli.Flag{&cli.StringSliceFlag{Name: "label", Usage: "a label of the volume, KEY=VALUE (repeatable)"}},
				Action: func(_ context.Context, cmd *cli.Command) error {
					if cmd.Args().Len() > 1 {
						return errors.New("volume create: want at most one name")
					}
					labels := map[string]string{}
					for _, l := range cmd.StringSlice("label") {
						k, v, _ := strings.Cut(l, "=")
						labels[k] = v
					}
					v, err := volumes(cmd).CreateLabeled(cmd.Args().First(), labels)
					if err != nil {
						return err
					}
					fmt.Println(v.Name)
					return nil
				},
			},
			{
				Name: "ls", Aliases: []string{"list"}, Usage: "list the volumes", Before: useRoot,
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "names only"},
					&cli.StringSliceFlag{Name: "f", Aliases: []string{"filter"}, Usage: "show only what matches KEY=VALUE: dangling, name, driver, label (repeatable)"},
					&cli.StringFlag{Name: "format", Usage: "table, table TEMPLATE, json, or a Go template of each volume ({{.Name}}, {{.Driver}}, {{.Mountpoint}}, ...)"},
				},
				Action: func(_ context.Context, cmd *cli.Command) error {
					f, err := parseFilters(cmd.StringSlice("f"), volumeFilterKeys)
					if err != nil {
						return err
					}
					def := "{{.Driver}}\t{{.Name}}"
					if cmd.Bool("q") {
						def = "{{.Name}}"
					}
					format, err := parseListFormat(cmd.String("format"), def)
					if err != nil {
						return err
					}
					if cmd.Bool("q") {
						format.table = false
					}
					vols := volumes(cmd)
					list, err := vols.List()
					if err != nil {
						return err
					}
					rows, err := volumeRows(cmd, vols, list, f)
					if err != nil {
						return err
					}
					return format.write(rows, volumeHeader)
				},
			},
			{
				Name: "rm", Aliases: []string{"remove"}, Usage: "remove volumes (refused while a container uses one)", ArgsUsage: "NAME...", Before: useRoot,
				Action: func(_ context.Context, cmd *cli.Command) error {
					return eachVolume(cmd, func(vols volume.Store, name string) error {
						return vols.Remove(name, volumeUsers(cmd, name))
					}, true)
				},
			},
			volumePruneCommand(),
			{
				Name: "inspect", Usage: "show volumes as JSON", ArgsUsage: "NAME...", Before: useRoot,
				Flags: []cli.Flag{&cli.StringFlag{Name: "f", Aliases: []string{"format"}, Usage: "json, or a Go template of each volume, such as '{{.Mountpoint}}'"}},
				Action: func(_ context.Context, cmd *cli.Command) error {
					if f := cmd.String("f"); f != "" {
						return inspectVolumes(cmd, f)
					}
					var found []*volume.Volume
					err := eachVolume(cmd, func(vols volume.Store, name string) error {
						v, err := vols.Get(name)
						if err == nil {
							found = append(found, v)
						}
						return err
					}, false)
					if found == nil {
						found = []*volume.Volume{}
					}
					out, _ := json.MarshalIndent(found, "", "    ")
					fmt.Println(string(out))
					return err
				},
			},
		},
	}
}

func volumes(cmd *cli.Command) volume.Store {
	return volume.Store{Root: cmd.Root().String("root")}
}

// eachVolume does do to each volume named; one that fails is said on
// stderr, the others are still done, and the status is then 125.
func eachVolume(cmd *cli.Command, do func(volume.Store, string) error, printNames bool) error {
	if cmd.Args().Len() == 0 {
		return fmt.Errorf("volume %s: want at least one volume", cmd.Name)
	}
	failed := false
	for _, name := range cmd.Args().Slice() {
		if err := do(volumes(cmd), name); err != nil {
			fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
			failed = true
			continue
		}
		if printNames {
			fmt.Println(name)
		}
	}
	if failed {
		return exitStatus(exitFailure)
	}
	return nil
}

// volumeUsers names the containers, running or not, that bind the volume.
func volumeUsers(cmd *cli.Command, name string) []string {
	list, _ := store(cmd).List()
	return container.VolumeUsers(store(cmd), list, name)
}

// inspectVolumes prints the template format of each volume named.
func inspectVolumes(cmd *cli.Command, format string) error {
	tmpl, err := parseInspectFormat(format)
	if err != nil {
		return err
	}
	var found []any
	err = eachVolume(cmd, func(vols volume.Store, name string) error {
		v, err := vols.Get(name)
		if err == nil {
			found = append(found, v)
		}
		return err
	}, false)
	if perr := printInspected(found, tmpl); perr != nil {
		return perr
	}
	return err
}
