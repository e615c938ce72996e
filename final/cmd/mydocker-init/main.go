// Command mydocker-init is the container side of mydocker run, as a
// small static binary: what "mydocker init" does (initproc.Run), started
// by run in the new namespaces instead of re-executing mydocker itself.
// It holds no cgo and none of the CLI's libraries, so the kernel maps a
// few MB instead of 19 and no package init() of theirs runs: some 10 ms
// less per run (final/README.md). run uses it only when it lies beside
// mydocker and nobody but root could have replaced it
// (container.InitPath); otherwise mydocker re-executes itself as before.
//
// Usage, by run only: mydocker-init [--debug] init
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/initproc"
)

// exitFailure is mydocker's own failure status, as the CLI's.
const exitFailure = 125

func main() {
	logrus.SetOutput(os.Stderr)
	logrus.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--debug" {
		logrus.SetLevel(logrus.DebugLevel)
		args = args[1:]
	}
	if len(args) != 1 || args[0] != "init" {
		fmt.Fprintln(os.Stderr, "mydocker-init: it is started by \"mydocker run\", not by hand")
		os.Exit(exitFailure)
	}
	// On success this never returns: the user's command replaces us.
	err := initproc.Run()
	var reported *initproc.ReportedError
	if errors.As(err, &reported) {
		os.Exit(reported.Code) // run says why
	}
	fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
	os.Exit(exitFailure)
}
