package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch6-network/container"
)

// commitCommand is the book's "commit" (5.7): a container's filesystem,
// running or exited, becomes an image tar. It is really docker export, so
// "export" is its alias, the name Cheng Yu's fork gave it.
func commitCommand() *cli.Command {
	return &cli.Command{
		Name:      "commit",
		Aliases:   []string{"export"},
		Usage:     "commit a container's filesystem into an image: mydocker commit CONTAINER IMAGE",
		ArgsUsage: "CONTAINER IMAGE",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "replace an existing image"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New("commit: want exactly two arguments, the container and the image name")
			}
			store, st, err := findContainer(cmd, cmd.Args().Get(0))
			if err != nil {
				return err
			}
			path, err := container.Commit(store, st, cmd.Args().Get(1), cmd.Bool("force"))
			if err != nil {
				return err
			}
			fmt.Println(path)
			return nil
		},
	}
}
