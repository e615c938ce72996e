package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/oci"
)

func killCommand() *cli.Command {
	return &cli.Command{
		Name:      "kill",
		Usage:     "send a signal (default SIGTERM) to a container's init",
		ArgsUsage: "ID [SIGNAL]",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "to every process of the container"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.NArg() < 1 || cmd.NArg() > 2 {
				return fmt.Errorf("kill: want a container ID and at most one signal")
			}
			sig := unix.SIGTERM
			if cmd.NArg() == 2 {
				var err error
				if sig, err = killSignal(cmd.Args().Get(1)); err != nil {
					return err
				}
			}
			c, err := loadID(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			err = c.Kill(sig, cmd.Bool("all"))
			// --all of a stopped container is done, as runc 1.2+'s (it
			// signals what is left, and nothing is).
			if errors.Is(err, oci.ErrNotRunning) && cmd.Bool("all") {
				return nil
			}
			return err
		},
	}
}

// killSignal is kill's signal: any signals.Parse reads, and 0, which
// sends none and says whether the container runs: "container not
// running" or nothing, as runc's clients test it.
func killSignal(s string) (unix.Signal, error) {
	if s == "0" {
		return 0, nil
	}
	return signals.Parse(s)
}

func deleteCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete",
		Usage:     "delete a stopped container (--force: any)",
		ArgsUsage: "ID",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "kill it first if it runs"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			c, err := load(cmd)
			// --force of a container that is gone is done, as runc's.
			if err != nil && cmd.Bool("force") && errors.Is(err, oci.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			return c.Delete(cmd.Bool("force"))
		},
	}
}
