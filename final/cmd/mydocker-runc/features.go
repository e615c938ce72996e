package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

func specVersion() string { return oci.SpecVersion }

func featuresCommand() *cli.Command {
	return &cli.Command{
		Name:  "features",
		Usage: "print what this runtime supports (the spec's features JSON)",
		Action: func(context.Context, *cli.Command) error {
			f := oci.Features()
			f.Annotations["org.mydocker.runc.version"] = version
			return printJSON(f)
		},
	}
}

// specCommand writes a starting config.json, as runc spec does.
func specCommand() *cli.Command {
	return &cli.Command{
		Name:  "spec",
		Usage: "write a default config.json into the bundle",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "the bundle's directory"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			path := filepath.Join(cmd.String("bundle"), "config.json")
			if _, err := os.Stat(path); err == nil {
				return fmt.Errorf("%s exists already", path)
			} else if !errors.Is(err, os.ErrNotExist) {
				return err
			}
			data, err := json.MarshalIndent(oci.DefaultSpec(), "", "\t")
			if err != nil {
				return err
			}
			return os.WriteFile(path, append(data, '\n'), 0o644)
		},
	}
}
