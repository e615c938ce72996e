// Command mydocker-monitor is a container's monitor (package monitor) as
// a small static binary: what "mydocker monitor" does, started by run,
// start, restart and boot instead of re-executing mydocker itself. It
// holds no cgo and none of the CLI's libraries (no registry client,
// progress bars or libseccomp: the CLI compiles the seccomp program and
// sends it with the request), so a run starts it sooner and each idle
// container's monitor keeps less memory (final/README.md). mydocker uses
// it only when it lies beside mydocker and nobody but root could have
// replaced it (container.HelperBinary); otherwise mydocker re-executes
// itself as before.
//
// It is also the container's init when mydocker-init is not there to be
// used: the monitor starts init as /proc/self/exe then, which is this
// binary.
//
// Usage, by mydocker only:
//
//	mydocker-monitor --root DIR [--debug] monitor
//	mydocker-monitor [--debug] init
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/monitor"
)

// exitFailure is mydocker's own failure status, as the CLI's.
const exitFailure = 125

// The main goroutine stays on the process's first thread, as in mydocker
// (cmd/mydocker/thread.go): the process the monitor forks for init is
// forked by the thread a tool that counts system calls per thread saw
// start.
func init() { runtime.LockOSThread() }

func main() {
	logrus.SetOutput(os.Stderr)
	logrus.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	command, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "mydocker-monitor: %v: it is started by mydocker, not by hand\n", err)
		os.Exit(exitFailure)
	}
	switch command {
	case "monitor":
		err = monitor.Serve()
	case "init":
		// On success this never returns: the user's command replaces us.
		err = initproc.Run()
		var reported *initproc.ReportedError
		if errors.As(err, &reported) {
			os.Exit(reported.Code) // run says why
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
		os.Exit(exitFailure)
	}
}

// parseArgs reads mydocker's global flags that the monitor's caller
// passes (--root, which the request carries too and ps shows, and
// --debug) and returns the command: monitor or init.
func parseArgs(args []string) (string, error) {
	for len(args) > 0 {
		switch args[0] {
		case "--debug":
			logrus.SetLevel(logrus.DebugLevel)
			args = args[1:]
		case "--root":
			if len(args) < 2 {
				return "", errors.New("--root wants a directory")
			}
			args = args[2:]
		case "monitor", "init":
			if len(args) != 1 {
				return "", fmt.Errorf("%s takes no arguments", args[0])
			}
			return args[0], nil
		default:
			return "", fmt.Errorf("unknown argument %q", args[0])
		}
	}
	return "", errors.New("no command")
}
