package main

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/image"
)

// volumePruneCommand removes the volumes no container uses: the anonymous
// ones, or with -a every one, as docker volume prune (docker 23 on).
func volumePruneCommand() *cli.Command {
	return &cli.Command{
		Name: "prune", Usage: "remove the anonymous volumes that no container uses (-a: every unused volume)", Before: useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "named volumes too"},
			&cli.BoolFlag{Name: "f", Aliases: []string{"force"}, Usage: "do not ask first"},
			&cli.StringSliceFlag{Name: "filter", Usage: "only volumes with label=KEY[=VALUE] (or label!=...)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			labels, err := pruneLabelFilters(cmd.StringSlice("filter"))
			if err != nil {
				return err
			}
			warning := "WARNING! This will remove anonymous local volumes not used by at least one container."
			if cmd.Bool("a") {
				warning = "WARNING! This will remove all local volumes not used by at least one container."
			}
			if !cmd.Bool("f") && !confirm(warning) {
				return nil
			}
			vols := volumes(cmd)
			list, err := vols.List()
			if err != nil {
				return err
			}
			used := map[string]bool{}
			containers, err := store(cmd).List()
			if err != nil {
				return err
			}
			for _, st := range containers {
				for _, v := range st.Volumes {
					used[v.Host] = true
				}
			}
			var deleted []string
			var reclaimed int64
			for _, v := range list {
				if used[v.Mountpoint] || (!cmd.Bool("a") && !v.Anonymous()) || !labels(v.Labels) {
					continue
				}
				size := dirSize(v.Mountpoint)
				if err := vols.Remove(v.Name, nil); err != nil {
					fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
					continue
				}
				deleted = append(deleted, v.Name)
				reclaimed += size
			}
			if len(deleted) > 0 {
				fmt.Println("Deleted Volumes:")
				for _, name := range deleted {
					fmt.Println(name)
				}
				fmt.Println()
			}
			fmt.Printf("Total reclaimed space: %s\n", image.HumanSize(reclaimed))
			return nil
		},
	}
}

// confirm asks docker's question on stdout and reads the answer: only y
// or yes goes on.
func confirm(warning string) bool {
	fmt.Printf("%s\nAre you sure you want to continue? [y/N] ", warning)
	answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	answer = strings.ToLower(strings.TrimSpace(answer))
	if answer != "y" && answer != "yes" {
		fmt.Println()
		return false
	}
	return true
}

// pruneLabelFilters reads prune's --filter label=… and label!=….
func pruneLabelFilters(args []string) (func(map[string]string) bool, error) {
	var keep, drop []string
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "label!="):
			drop = append(drop, strings.TrimPrefix(a, "label!="))
		case strings.HasPrefix(a, "label="):
			keep = append(keep, strings.TrimPrefix(a, "label="))
		default:
			return nil, fmt.Errorf("invalid filter %q: want label=KEY[=VALUE] or label!=KEY[=VALUE]", a)
		}
	}
	return func(labels map[string]string) bool {
		for _, k := range keep {
			if !labelMatch(labels)(k) {
				return false
			}
		}
		for _, d := range drop {
			if labelMatch(labels)(d) {
				return false
			}
		}
		return true
	}, nil
}

// dirSize is what a volume holds: its regular files' sizes, walked inside
// an os.Root (a container wrote it).
func dirSize(dir string) int64 {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0
	}
	defer root.Close()
	var n int64
	_ = fs.WalkDir(root.FS(), ".", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
