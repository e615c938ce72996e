package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

func stateCommand() *cli.Command {
	return &cli.Command{
		Name:      "state",
		Usage:     "print a container's state (the spec's JSON)",
		ArgsUsage: "ID",
		Action: func(_ context.Context, cmd *cli.Command) error {
			c, err := load(cmd)
			if err != nil {
				return err
			}
			return printJSON(stateOf(c))
		},
	}
}

// runcState is the spec's state with what runc adds, which clients
// (podman, containerd's go-runc) read: the root filesystem, when it was
// created, by whom.
type runcState struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

func stateOf(c *oci.Container) runcState {
	st := c.State()
	return runcState{OCIVersion: st.Version, ID: st.ID, Pid: st.Pid, Status: string(st.Status), Bundle: st.Bundle,
		Rootfs: c.Rootfs(), Created: c.Created, Owner: c.Owner, Annotations: st.Annotations}
}

func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func listCommand() *cli.Command {
	return &cli.Command{
		Name:    "list",
		Aliases: []string{"ls"},
		Usage:   "list the containers",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "only the IDs"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			list, err := oci.List(cmd.Root().String("root"))
			if err != nil {
				return err
			}
			states := []runcState{}
			for _, c := range list {
				states = append(states, stateOf(c))
			}
			switch {
			case cmd.Bool("quiet"):
				for _, s := range states {
					fmt.Println(s.ID)
				}
				return nil
			case cmd.String("format") == "json":
				return json.NewEncoder(os.Stdout).Encode(states)
			case cmd.String("format") != "table":
				return fmt.Errorf("--format %q: want table or json", cmd.String("format"))
			}
			w := tabwriter.NewWriter(os.Stdout, 12, 1, 3, ' ', 0)
			fmt.Fprintln(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER")
			for _, s := range states {
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle, s.Created.Format(time.RFC3339Nano), s.Owner)
			}
			return w.Flush()
		},
	}
}
