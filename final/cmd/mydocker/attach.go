package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v3"
	"golang.org/x/term"

	"github.com/mydocker/mydocker/final/monitor"
)

// attachCommand connects to a running container's stdio, as docker attach.
func attachCommand() *cli.Command {
	return &cli.Command{
		Name:      "attach",
		Usage:     "connect to a running container's input and output (ctrl-p ctrl-q detaches)",
		ArgsUsage: "CONTAINER",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-stdin", Usage: "do not send our input"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("attach: want exactly one argument, the container")
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			conn, err := monitor.Attach(st)
			if err != nil {
				return err
			}
			signals := proxySignals()
			defer signal.Stop(signals)
			return attachTo(conn, st.TTY, st.OpenStdin && !cmd.Bool("no-stdin"), signals)
		},
	}
}

// proxySignals catches the signals that go on to the container, from
// before it starts: one that arrives early is passed on once attached.
func proxySignals() chan os.Signal {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
		syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	return signals
}

// attachTo streams the container's stdio on conn to ours until it exits,
// and exits with its status. With -t and a terminal of ours, the terminal
// is put in raw mode (every key goes to the container, ^C too), follows
// our window's size, and ctrl-p ctrl-q detaches.
func attachTo(conn net.Conn, tty, interactive bool, signals <-chan os.Signal) error {
	// A reader of our output that goes away ("run ... | head") must not
	// kill us with SIGPIPE, leaving the container running unseen: caught,
	// the write fails with EPIPE, and Stream lets the monitor know.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)
	o := monitor.AttachOptions{Stdout: os.Stdout, Stderr: os.Stderr, Signals: signals}
	if interactive {
		o.Stdin = os.Stdin
	}
	if tty && interactive && term.IsTerminal(int(os.Stdin.Fd())) {
		saved, err := term.MakeRaw(int(os.Stdin.Fd()))
		if err == nil {
			defer func() { _ = term.Restore(int(os.Stdin.Fd()), saved) }()
		}
		o.DetachKeys = monitor.DetachKeys
	}
	if tty {
		resize := make(chan [2]uint16, 1)
		o.Resize = resize
		stop := followWindowSize(resize)
		defer stop()
	}
	status, err := monitor.Stream(conn, o)
	if errors.Is(err, monitor.ErrDetached) {
		return nil
	}
	if err != nil {
		return err
	}
	return exitStatus(status)
}

// windowSize is our terminal's rows and columns, or zeros.
func windowSize() [2]uint16 {
	for _, f := range []*os.File{os.Stdin, os.Stdout, os.Stderr} {
		if cols, rows, err := term.GetSize(int(f.Fd())); err == nil {
			return [2]uint16{uint16(rows), uint16(cols)}
		}
	}
	return [2]uint16{}
}

// followWindowSize sends our terminal's size now and after each SIGWINCH.
func followWindowSize(resize chan<- [2]uint16) (stop func()) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	done := make(chan struct{})
	send := func() {
		if size := windowSize(); size[0] > 0 {
			select {
			case resize <- size:
			case <-done:
			}
		}
	}
	go func() {
		send()
		for {
			select {
			case <-winch:
				send()
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(winch); close(done) }
}
