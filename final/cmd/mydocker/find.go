package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// store is the container store under --root, its states brought up to
// date first (container.Reconcile): a command that lists containers
// looks for those that have exited meanwhile, and collects what dead
// runs left. A command that names containers reconciles only those
// (findContainer).
func store(cmd *cli.Command) state.Store {
	s := state.Store{Root: cmd.Root().String("root")}
	reconcile(s)
	return s
}

// reconcile is reconcileAll for a command that goes on whatever it
// finds: a list that cannot be read is a warning.
func reconcile(s state.Store) {
	if _, _, err := reconcileAll(s); err != nil {
		logrus.WithError(err).Warn("list the containers")
	}
}

// reconcileAll is container.Reconcile, after the image store's tidy: the
// leases and temporary files of image commands and runs killed with
// kill -9, which no later pull should be needed to collect. (The tidy is
// here, not in package container, so that the monitor's small binary
// carries no image code.)
func reconcileAll(s state.Store) ([]*state.Container, []state.Damaged, error) {
	image.Store{Root: s.Root}.TidyTmp()
	return container.Reconcile(s)
}

// findContainer returns the container that ref names (a name, an ID, or a
// unique ID prefix), brought up to date alone (container.ReconcileOne):
// a command that names a container does not read the others.
func findContainer(cmd *cli.Command, ref string) (state.Store, *state.Container, error) {
	s := state.Store{Root: cmd.Root().String("root")}
	st, err := findReconciled(s, ref)
	return s, st, err
}

// findReconciled is container.FindReconciled: the API server finds
// containers the same way.
func findReconciled(s state.Store, ref string) (*state.Container, error) {
	return container.FindReconciled(s, ref)
}

// eachContainer does do to each container named, printing each name as
// it is done, as docker does. One that fails is said on stderr and the
// others are still done; the status is then 125. Each is reconciled
// alone, as findContainer's.
func eachContainer(cmd *cli.Command, do func(state.Store, *state.Container) error) error {
	s := state.Store{Root: cmd.Root().String("root")}
	return eachRef(cmd, func(ref string) error {
		st, err := findReconciled(s, ref)
		if err != nil {
			return err
		}
		return do(s, st)
	})
}

// errNothingDone is what a do of eachRef returns for a ref it leaves
// alone without a word, as docker's rm -f does a missing container.
var errNothingDone = errors.New("nothing done")

// eachRef is eachContainer for a do that finds the container itself.
func eachRef(cmd *cli.Command, do func(ref string) error) error {
	failed := 0
	for _, ref := range cmd.Args().Slice() {
		err := do(ref)
		if errors.Is(err, errNothingDone) {
			continue
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
			failed++
			continue
		}
		fmt.Println(ref)
	}
	if failed > 0 {
		return exitStatus(exitFailure)
	}
	return nil
}
