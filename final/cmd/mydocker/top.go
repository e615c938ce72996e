package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/observe"
)

// topCommand lists a container's processes, as docker top: ps -ef's
// columns by default, read from /proc; with ps options, the host's ps
// run with them, its rows kept for the container's processes.
func topCommand() *cli.Command {
	return &cli.Command{
		Name:      "top",
		Usage:     "list the processes of a running container (host PIDs; ps -ef's columns, or ps OPTIONS)",
		ArgsUsage: "CONTAINER [ps OPTIONS]",
		Before:    useRoot,
		// Flags stop at the container: ps's options are ps's, not ours
		// ("top web -o pid,comm", "top web aux").
		StopOnNthArg: &stopAtCommand,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New(`"top" requires at least 1 argument`)
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			titles, rows, err := observe.TopTable(st, strings.Join(cmd.Args().Tail(), " "))
			if err != nil {
				return err
			}
			// docker top's table: columns at least 20 wide.
			w := newTable(20)
			fmt.Fprintln(w, strings.Join(titles, "\t"))
			for _, row := range rows {
				fmt.Fprintln(w, strings.Join(row, "\t"))
			}
			return w.Flush()
		},
	}
}
