package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
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
			s := store(cmd)
			containers, err := s.List()
			if err != nil {
				return err
			}
			p, err := container.PruneVolumes(s, containers, cmd.Bool("a"), labels)
			if err != nil {
				return err
			}
			out := fromLibrary("Deleted Volumes:", p)
			out.print()
			printTotal(out.bytes)
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
