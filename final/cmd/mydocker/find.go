package main

import (
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
)

// store is the container store under --root, its states brought up to
// date first (container.Reconcile): the book has no monitor process, so
// every command looks for containers that have exited meanwhile.
func store(cmd *cli.Command) container.Store {
	s := container.Store{Root: cmd.Root().String("root")}
	container.Reconcile(s)
	return s
}

// findContainer returns the container that ref names (a name, an ID, or a
// unique ID prefix).
func findContainer(cmd *cli.Command, ref string) (container.Store, *container.State, error) {
	s := store(cmd)
	st, err := s.Find(ref)
	return s, st, err
}
