// Command mydocker is the container runtime of the book 自己动手写docker,
// rebuilt one chapter at a time.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/monitor"
)

// exitFailure is what mydocker returns when it fails itself, as docker does,
// so that a script can tell "mydocker broke" from "the container said 1".
const exitFailure = 125

const usage = `mydocker is a simple container runtime implementation.
   The purpose of this project is to learn how docker works and how to write a docker by ourselves.
   Enjoy it, just for fun.`

func main() {
	app := &cli.Command{
		Name:   "mydocker",
		Usage:  usage,
		Flags:  rootFlags(),
		Before: before,
		Commands: []*cli.Command{
			runCommand(),
			psCommand(),
			logsCommand(),
			execCommand(),
			stopCommand(),
			rmCommand(),
			commitCommand(),
			exportCommand(),
			pullCommand(),
			eventsCommand(),
			pushCommand(),
			loginCommand(),
			logoutCommand(),
			imagesCommand(),
			rmiCommand(),
			tagCommand(),
			saveCommand(),
			loadCommand(),
			importCommand(),
			networkCommand(),
			volumeCommand(),
			createCommand(),
			startCommand(),
			attachCommand(),
			restartCommand(),
			bootCommand(),
			waitCommand(),
			inspectCommand(),
			topCommand(),
			cpCommand(),
			statsCommand(),
			portCommand(),
			killCommand(),
			initCommand(),
			monitorCommand(),
		},
		// main decides the exit status, not the library.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	app.Commands = withMoreCommands(app.Commands) // commands.go
	app.Version = version                         // version.go: --version, -v
	quietUsageErrors(app)
	code := exitCode(app.Run(context.Background(), os.Args))
	image.ReleaseLeases() // what this command held is recorded or used by now
	os.Exit(code)
}

// rootFlags are mydocker's own flags, before the command: the API
// server's in-process create (service.go) parses them too.
func rootFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "debug", Usage: "log at debug level"},
		&cli.StringFlag{Name: "root", Value: "/var/lib/mydocker", Usage: "where mydocker keeps its images and containers"},
	}
}

// quietUsageErrors makes a usage error (an unknown flag, a bad value) an
// ordinary error of cmd and its subcommands: one line on stderr and exit
// 125, instead of the whole help text.
func quietUsageErrors(cmd *cli.Command) {
	cmd.OnUsageError = func(_ context.Context, _ *cli.Command, err error, _ bool) error {
		return err
	}
	for _, sub := range cmd.Commands {
		quietUsageErrors(sub)
	}
}

// before runs ahead of every command: logs go to stderr, since stdout
// belongs to the container.
func before(ctx context.Context, cmd *cli.Command) (context.Context, error) {
	logrus.SetOutput(os.Stderr)
	logrus.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	if cmd.Bool("debug") {
		logrus.SetLevel(logrus.DebugLevel)
	}
	return ctx, nil
}

// exitStatus is returned by a command that wants mydocker to exit with a
// given status without printing anything, such as the container's own status.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// exitCode turns the result of the app into the process exit status.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	fmt.Fprintf(os.Stderr, "mydocker: %v%s\n", err, fdLimitHint(err))
	return statusOf(err)
}

// fdLimitHint names the descriptor limit when err is EMFILE, ours or the
// monitor's (which reports it as text and runs under the same limit): the
// fix is the user's "ulimit -n", which the bare errno does not say.
func fdLimitHint(err error) string {
	if !errors.Is(err, syscall.EMFILE) && !strings.Contains(err.Error(), syscall.EMFILE.Error()) {
		return ""
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return ""
	}
	return fmt.Sprintf(" (open files limit: ulimit -n %d)", lim.Cur)
}

// statusOf is the exit status for the failure err: 125, or, when the
// container's init could not start the user's command, 127 when it does
// not exist and 126 when it cannot be run, as in a shell. The library
// says which: a *monitor.StartError (the monitor's report) or a
// *initproc.ExecError has the status of its failure. Not any error with
// an ExitCode: an *exec.ExitError of a helper (iptables) is 125 of ours.
func statusOf(err error) int {
	var started *monitor.StartError
	if errors.As(err, &started) {
		return started.ExitCode()
	}
	var execErr *initproc.ExecError
	if errors.As(err, &execErr) {
		return execErr.ExitCode()
	}
	return exitFailure
}
