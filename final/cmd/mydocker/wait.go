package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// waitCommand blocks until each container has exited and prints its exit
// code, as docker wait.
func waitCommand() *cli.Command {
	return &cli.Command{
		Name:      "wait",
		Usage:     "wait until containers exit, and print their exit codes",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() == 0 {
				return errors.New("wait: want at least one container")
			}
			failed := false
			for _, ref := range cmd.Args().Slice() {
				s, st, err := findContainer(cmd, ref)
				var code *int
				if err == nil {
					code, err = container.Wait(s, st)
				}
				if err != nil {
					fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
					failed = true
					continue
				}
				fmt.Println(*code)
			}
			if failed {
				return exitStatus(exitFailure)
			}
			return nil
		},
	}
}
