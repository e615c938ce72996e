package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"
	"golang.org/x/term"

	"github.com/mydocker/mydocker/final/enter"
)

// execCommand runs a command in a running container (book 5.4).
func execCommand() *cli.Command {
	return &cli.Command{
		Name:      "exec",
		Usage:     "run a command in a running container: mydocker exec [-i] [-t] [-d] CONTAINER COMMAND [ARG...]",
		ArgsUsage: "CONTAINER COMMAND [ARG...]",
		// Flags stop at the container: the rest is the command's.
		StopOnNthArg: &stopAtCommand,
		Before:       useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "i", Aliases: []string{"interactive"}, Usage: "connect the command's stdin to ours"},
			&cli.BoolFlag{Name: "t", Aliases: []string{"tty"}, Usage: "give the command a terminal in the container (with -i: ours, in raw mode)"},
			&cli.BoolFlag{Name: "d", Aliases: []string{"detach"}, Usage: "start the command and return (its output is not kept)"},
			&cli.StringSliceFlag{Name: "e", Aliases: []string{"env"}, Usage: "set an environment variable: K=V, or K for our value of K (repeatable)"},
			&cli.StringFlag{Name: "w", Aliases: []string{"workdir"}, Usage: "the working directory (default: the container's)"},
			&cli.StringFlag{Name: "u", Aliases: []string{"user"}, Usage: "the user: NAME|UID[:GROUP|GID] (default: the container's)"},
			&cli.BoolFlag{Name: "privileged", Usage: "every capability and no seccomp filter for this command"},
		},
		DisableSliceFlagSeparator: true,
		UseShortOptionHandling:    true, // -it is -i -t
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
			if cmd.Bool("d") && (cmd.Bool("i") || cmd.Bool("t")) {
				return errors.New("exec: -d and -i or -t cannot be used together: a detached command has no stdio")
			}
			opts := enter.Options{Interactive: cmd.Bool("i"), TTY: cmd.Bool("t"), Detach: cmd.Bool("d"),
				Env: env, Workdir: cmd.String("w"), User: cmd.String("u"), Privileged: cmd.Bool("privileged")}
			if opts.TTY {
				if opts.Interactive && term.IsTerminal(int(os.Stdin.Fd())) {
					if saved, err := term.MakeRaw(int(os.Stdin.Fd())); err == nil {
						defer func() { _ = term.Restore(int(os.Stdin.Fd()), saved) }()
					}
				}
				opts.Size = windowSize()
				resize := make(chan [2]uint16, 1)
				opts.Resize = resize
				stop := followWindowSize(resize)
				defer stop()
			}
			status, err := enter.Exec(st, cmd.Args().Slice()[1:], opts)
			if err != nil {
				return err
			}
			return exitStatus(status)
		},
	}
}
