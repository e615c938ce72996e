package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// logsCommand prints what a container wrote (book 5.3).
func logsCommand() *cli.Command {
	return &cli.Command{
		Name:      "logs",
		Usage:     "print a container's output: mydocker logs [-f] [-t] [--tail N] CONTAINER (stderr lines on stderr)",
		ArgsUsage: "CONTAINER",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "f", Aliases: []string{"follow"}, Usage: "go on until the container exits"},
			&cli.StringFlag{Name: "tail", Aliases: []string{"n"}, Value: "all", Usage: "show the last N lines only"},
			&cli.BoolFlag{Name: "t", Aliases: []string{"timestamps"}, Usage: "show when each line was written"},
			&cli.StringFlag{Name: "since", Usage: "show the lines since a time (2026-12-07T10:00:00Z, unix seconds) or for a while (10m)"},
			&cli.StringFlag{Name: "until", Usage: "show the lines before a time (2026-12-07T10:00:00Z, unix seconds) or a while ago (10m)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("logs: want exactly one argument, the container")
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			tail := -1
			if t := cmd.String("tail"); t != "all" {
				if tail, err = strconv.Atoi(t); err != nil || tail < 0 {
					return fmt.Errorf("logs: --tail %q: want a number of lines, or all", t)
				}
			}
			opts := container.LogsOptions{Follow: cmd.Bool("f"), Tail: tail, Timestamps: cmd.Bool("t")}
			now := time.Now()
			if opts.Since, err = parseDockerTime(cmd.String("since"), now); err != nil {
				return fmt.Errorf("logs: --since: %w", err)
			}
			if opts.Until, err = parseDockerTime(cmd.String("until"), now); err != nil {
				return fmt.Errorf("logs: --until: %w", err)
			}
			return container.Logs(st, os.Stdout, os.Stderr, opts)
		},
	}
}
