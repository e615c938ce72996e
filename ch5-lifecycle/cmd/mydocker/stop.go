package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch5-lifecycle/container"
)

// stopCommand stops running containers (book 5.5).
func stopCommand() *cli.Command {
	return &cli.Command{
		Name:      "stop",
		Usage:     "stop containers: SIGTERM, then SIGKILL after -t seconds",
		ArgsUsage: "CONTAINER...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "t", Aliases: []string{"time"}, Value: 10, Usage: "seconds to wait before killing"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("stop: missing container")
			}
			if cmd.Int("t") < 0 {
				return fmt.Errorf("stop: -t %d: want 0 or more seconds", cmd.Int("t"))
			}
			timeout := time.Duration(cmd.Int("t")) * time.Second
			return eachContainer(cmd, func(s container.Store, st *container.State) error {
				return container.Stop(s, st, timeout)
			})
		},
	}
}
