package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// topCommand lists a container's processes, as docker top.
func topCommand() *cli.Command {
	return &cli.Command{
		Name:      "top",
		Usage:     "list the processes of a running container (host PIDs)",
		ArgsUsage: "CONTAINER",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("top: want exactly one container")
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			list, err := container.Top(st)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(os.Stdout, 6, 1, 3, ' ', 0)
			fmt.Fprintln(w, "UID\tPID\tPPID\tTIME\tCMD")
			for _, p := range list {
				fmt.Fprintf(w, "%d\t%d\t%d\t%.2fs\t%s\n", p.UID, p.PID, p.PPID, p.CPUSeconds, p.Command)
			}
			return w.Flush()
		},
	}
}
