package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

func createFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "the bundle's directory (config.json and the rootfs)"},
		&cli.StringFlag{Name: "pid-file", Usage: "write init's pid to this file"},
		&cli.StringFlag{Name: "console-socket", Usage: "a unix socket to send the terminal's master to (process.terminal)"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "move and chroot into the rootfs instead of pivot_root (a rootfs on ramfs)"},
		&cli.BoolFlag{Name: "no-new-keyring", Usage: "keep the caller's session keyring"},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass N more descriptors, 3 on (after $LISTEN_FDS's), to the program"},
		&cli.StringFlag{Name: "pidfd-socket", Usage: "a unix socket to send a pidfd of init to"},
	}
}

func createOptions(cmd *cli.Command, id string) (oci.CreateOptions, error) {
	passed, listened, err := passedFiles(int64(cmd.Int("preserve-fds")), true)
	if err != nil {
		return oci.CreateOptions{}, err
	}
	return oci.CreateOptions{
		Root: cmd.Root().String("root"), ID: id, Bundle: cmd.String("bundle"),
		PidFile: cmd.String("pid-file"), ConsoleSocket: cmd.String("console-socket"),
		NoPivot: cmd.Bool("no-pivot"), NoNewKeyring: cmd.Bool("no-new-keyring"),
		Passed: passed, ListenFDs: listened, PidfdSocket: cmd.String("pidfd-socket"),
	}, nil
}

func createCommand() *cli.Command {
	return &cli.Command{
		Name:      "create",
		Usage:     "create a container from a bundle; it waits for start",
		ArgsUsage: "ID",
		Flags:     createFlags(),
		Action: func(_ context.Context, cmd *cli.Command) error {
			id, err := oneID(cmd)
			if err != nil {
				return err
			}
			o, err := createOptions(cmd, id)
			if err != nil {
				return err
			}
			_, err = oci.Create(o)
			return err
		},
	}
}

func startCommand() *cli.Command {
	return &cli.Command{
		Name:      "start",
		Usage:     "start the program of a created container",
		ArgsUsage: "ID",
		Action: func(_ context.Context, cmd *cli.Command) error {
			c, err := load(cmd)
			if err != nil {
				return err
			}
			return c.Start()
		},
	}
}

// runCommand is create and start. Without --detach the container's init
// stays our child: we pass signals on, wait for it, delete it and exit
// with its status.
func runCommand() *cli.Command {
	flags := append(createFlags(),
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "return once the program runs"},
		&cli.BoolFlag{Name: "keep", Usage: "do not delete the container after it exits"},
	)
	return &cli.Command{
		Name:      "run",
		Usage:     "create and start a container",
		ArgsUsage: "ID",
		Flags:     flags,
		Action: func(_ context.Context, cmd *cli.Command) error {
			id, err := oneID(cmd)
			if err != nil {
				return err
			}
			o, err := createOptions(cmd, id)
			if err != nil {
				return err
			}
			o.Foreground = !cmd.Bool("detach")
			signals := make(chan os.Signal, 16)
			if o.Foreground {
				signal.Notify(signals)
				signal.Ignore(syscall.SIGURG, syscall.SIGPIPE)
			}
			console, err := runConsole(&o)
			if err != nil {
				return err
			}
			attached := false
			if console != nil {
				defer func() { console.Close(attached) }()
			}
			c, err := oci.Create(o)
			if err != nil {
				return err
			}
			if console != nil {
				if err := console.Attach(); err != nil {
					_ = c.Delete(true)
					return err
				}
				attached = true
			}
			if err := c.Start(); err != nil {
				_ = c.Delete(true)
				return err
			}
			if !o.Foreground {
				return nil
			}
			status := oci.WaitForeground(c, signals)
			if !cmd.Bool("keep") {
				_ = c.Delete(true)
			}
			return exitStatus(status)
		},
	}
}

// runConsole is run's foreground console (consoleFor) when the bundle's
// process has a terminal and no --console-socket was given: o's console
// socket is then ours.
func runConsole(o *oci.CreateOptions) (*foregroundConsole, error) {
	if o.ConsoleSocket != "" || !o.Foreground {
		return nil, nil
	}
	spec, err := oci.LoadSpec(o.Bundle)
	if err != nil || spec.Process == nil {
		return nil, nil // create says what is wrong with the bundle
	}
	console, socket, err := consoleFor(spec.Process.Terminal, true, "")
	o.ConsoleSocket = socket
	return console, err
}
