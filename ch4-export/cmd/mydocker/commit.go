package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/ch4-export/container"
)

// commitCommand is the book's "commit" (4.4). It is really docker export:
// the running container's filesystem becomes an image tar, so "export" is
// its alias, the name Cheng Yu's fork gave it.
func commitCommand() *cli.Command {
	return &cli.Command{
		Name:      "commit",
		Aliases:   []string{"export"},
		Usage:     "commit the running container's filesystem into an image: mydocker commit IMAGE",
		ArgsUsage: "IMAGE",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "replace an existing image"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("commit: want exactly one argument, the image name")
			}
			path, err := container.Commit(cmd.Root().String("root"), cmd.Args().First(), cmd.Bool("force"))
			if err != nil {
				return err
			}
			fmt.Println(path)
			return nil
		},
	}
}
