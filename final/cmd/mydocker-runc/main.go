// Command mydocker-runc is final/'s library as an OCI runtime, with
// runc's command line: podman (--runtime), containerd (the runc shim's
// BinaryName) and through containerd's CRI plugin Kubernetes run
// containers with it from OCI bundles.
//
// The Go runtime keeps no descriptor of its own: with cgroup-aware
// GOMAXPROCS it holds its cgroup's cpu.max open from start, on the
// lowest free number, where a caller that passes none leaves fd 3, and
// --preserve-fds would hand the host's cgroupfs to the container.
//
//go:debug containermaxprocs=0
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"

	_ "github.com/mydocker/mydocker/final/nsenter" // enters containers before Go starts (exec, init)
	"github.com/mydocker/mydocker/final/oci"
)

// exitFailure is our own failure, as mydocker's: a client tells it from
// a container's status (run) by the 125 docker uses.
const exitFailure = 125

func main() {
	app := &cli.Command{
		Name: "mydocker-runc",
		// "Open Container Initiative runtime" is runc's, which its
		// tests read on the help's second line.
		Usage:   "Open Container Initiative runtime: runs OCI bundles with mydocker's library, with runc's command line",
		Version: versionText(),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "root", Value: oci.DefaultRoot, Usage: "where the state of containers is kept"},
			&cli.StringFlag{Name: "log", Usage: "append the log to this file (stderr by default)"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "the log's format: text or json"},
			&cli.BoolFlag{Name: "debug", Usage: "log at debug level"},
			&cli.BoolFlag{Name: "systemd-cgroup", Usage: "not supported: this runtime drives cgroupfs"},
			// Accepted and ignored, as the clients pass them (podman,
			// containerd): string flags, as runc's.
			&cli.StringFlag{Name: "criu", Hidden: true},
			&cli.StringFlag{Name: "rootless", Hidden: true, Value: "auto"},
		},
		Before: before,
		Commands: []*cli.Command{
			createCommand(), startCommand(), runCommand(), stateCommand(), killCommand(),
			deleteCommand(), execCommand(), psCommand(), pauseCommand(), resumeCommand(),
			listCommand(), featuresCommand(), specCommand(), initCommand(),
			updateCommand(), eventsCommand(), checkpointCommand(), restoreCommand(),
		},
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	quietUsageErrors(app)
	os.Exit(exitCode(app.Run(context.Background(), os.Args)))
}

func quietUsageErrors(cmd *cli.Command) {
	if cmd.OnUsageError == nil {
		cmd.OnUsageError = func(_ context.Context, _ *cli.Command, err error, _ bool) error { return err }
	}
	for _, sub := range cmd.Commands {
		quietUsageErrors(sub)
	}
}

// before sets up the log: --log and --log-format, as the shims read them
// (containerd's takes the last error from the JSON log).
func before(ctx context.Context, cmd *cli.Command) (context.Context, error) {
	logrus.SetOutput(os.Stderr)
	if path := cmd.String("log"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_SYNC|syscall.O_CLOEXEC, 0o644)
		if err != nil {
			return ctx, fmt.Errorf("open the log %s: %w", path, err)
		}
		logrus.SetOutput(f)
	}
	switch cmd.String("log-format") {
	case "text":
		logrus.SetFormatter(&logrus.TextFormatter{})
	case "json":
		logrus.SetFormatter(&logrus.JSONFormatter{})
	default:
		return ctx, fmt.Errorf("--log-format %q: want text or json", cmd.String("log-format"))
	}
	if cmd.Bool("debug") {
		logrus.SetLevel(logrus.DebugLevel)
	}
	if cmd.Bool("systemd-cgroup") {
		return ctx, errors.New("--systemd-cgroup is not supported: mydocker-runc drives cgroupfs (configure the client's cgroup manager as cgroupfs)")
	}
	return ctx, nil
}

// exitStatus makes mydocker-runc exit with a container's status, saying
// nothing.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// exitCode says an error once, on stderr and in the log when it is a
// file, and returns the status to exit with.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	if logrus.StandardLogger().Out != os.Stderr {
		logrus.Error(err)
	}
	fmt.Fprintf(os.Stderr, "mydocker-runc: %v\n", err)
	var one failsWithOne
	if errors.As(err, &one) {
		return 1
	}
	var exec execFailure
	if errors.As(err, &exec) {
		return 255
	}
	return exitFailure
}

// failsWithOne is the failure of a command that only runc's clients call
// (update, events, checkpoint, restore): no container's status can be
// taken for it, and it exits 1, as runc's.
type failsWithOne struct{ error }

func (f failsWithOne) Unwrap() error { return f.error }

// usageExitsOne is OnUsageError of those commands.
func usageExitsOne(_ context.Context, _ *cli.Command, err error, _ bool) error {
	return failsWithOne{err}
}

// exitOne makes a command's failure exit 1.
func exitOne(action cli.ActionFunc) cli.ActionFunc {
	return func(ctx context.Context, cmd *cli.Command) error {
		if err := action(ctx, cmd); err != nil {
			return failsWithOne{err}
		}
		return nil
	}
}

// one is StopOnNthArg's 1: a command whose flags end at its first argument.
var one = 1

// oneID is the command's single argument, the container ID.
func oneID(cmd *cli.Command) (string, error) {
	if cmd.NArg() != 1 {
		return "", fmt.Errorf("%s: want exactly one container ID", cmd.Name)
	}
	return cmd.Args().First(), nil
}

// load finds the container the command names.
func load(cmd *cli.Command) (*oci.Container, error) {
	id, err := oneID(cmd)
	if err != nil {
		return nil, err
	}
	return oci.Load(cmd.Root().String("root"), id)
}
