package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// execCommand runs a command in a running container (book 5.4).
func execCommand() *cli.Command {
	return &cli.Command{
		Name:      "exec",
		Usage:     "run a command in a running container: mydocker exec [-ti] CONTAINER COMMAND [ARG...]",
		ArgsUsage: "CONTAINER COMMAND [ARG...]",
		// Flags stop at the container: the rest is the command's.
		StopOnNthArg: &stopAtCommand,
		Before:       useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "ti", Aliases: []string{"it"}, Usage: "connect the command to stdin (interactive)"},
			&cli.BoolFlag{Name: "d", Aliases: []string{"detach"}, Usage: "start the command and return (its output is not kept)"},
			&cli.StringSliceFlag{Name: "e", Aliases: []string{"env"}, Usage: "set an environment variable: K=V, or K for our value of K (repeatable)"},
			&cli.StringFlag{Name: "w", Aliases: []string{"workdir"}, Usage: "the working directory (default: the container's)"},
			&cli.StringFlag{Name: "u", Aliases: []string{"user"}, Usage: "the user: NAME|UID[:GROUP|GID] (default: the container's)"},
		},
		DisableSliceFlagSeparator: true,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 2 {
				return errors.New("exec: missing container name or command")
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			env, err := parseEnv(cmd.StringSlice("e"))
			if err != nil {
				return err
			}
			if w := cmd.String("w"); w != "" && !strings.HasPrefix(w, "/") {
				return fmt.Errorf("exec: the working directory %q is not an absolute path", w)
			}
			if cmd.Bool("d") && cmd.Bool("ti") {
				return errors.New("exec: -d and -ti cannot be used together")
			}
			opts := container.ExecOptions{TTY: cmd.Bool("ti"), Detach: cmd.Bool("d"), Env: env, Workdir: cmd.String("w"), User: cmd.String("u")}
			status, err := container.Exec(st, cmd.Args().Slice()[1:], opts)
			if err != nil {
				return err
			}
			return exitStatus(status)
		},
	}
}
