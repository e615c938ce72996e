package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// store is the container store under --root, its states brought up to
// date first (container.Reconcile): the book has no monitor process, so
// every command looks for containers that have exited meanwhile.
func store(cmd *cli.Command) state.Store {
	s := state.Store{Root: cmd.Root().String("root")}
	container.Reconcile(s)
	return s
}

// findContainer returns the container that ref names (a name, an ID, or a
// unique ID prefix).
func findContainer(cmd *cli.Command, ref string) (state.Store, *state.Container, error) {
	s := store(cmd)
	st, err := s.Find(ref)
	return s, st, err
}

// eachContainer does do to each container named, printing each name as
// it is done, as docker does. One that fails is said on stderr and the
// others are still done; the status is then 125.
func eachContainer(cmd *cli.Command, do func(state.Store, *state.Container) error) error {
	return eachRef(cmd, func(ref string) error {
		s, st, err := findContainer(cmd, ref)
		if err != nil {
			return err
		}
		return do(s, st)
	})
}

// eachRef is eachContainer for a do that finds the container itself.
func eachRef(cmd *cli.Command, do func(ref string) error) error {
	failed := 0
	for _, ref := range cmd.Args().Slice() {
		if err := do(ref); err != nil {
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
