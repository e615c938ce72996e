package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

func loadID(cmd *cli.Command, id string) (*oci.Container, error) {
	return oci.Load(cmd.Root().String("root"), id)
}

// psCommand lists a container's processes: their pids as JSON, or ps(1)'s
// table (with the ps options given after the ID) cut to them.
func psCommand() *cli.Command {
	return &cli.Command{
		Name: "ps",
		// Flags stop at the ID: what follows is the command's (or ps's).
		StopOnNthArg: &one,
		Usage:        "list the processes of a container",
		ArgsUsage:    "ID [ps options]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "table or json"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.NArg() < 1 {
				return fmt.Errorf("ps: want a container ID")
			}
			c, err := loadID(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			pids, err := c.Pids()
			if err != nil {
				return err
			}
			switch cmd.String("format") {
			case "json":
				if pids == nil {
					pids = []int{}
				}
				return json.NewEncoder(os.Stdout).Encode(pids)
			case "table":
				return psTable(pids, cmd.Args().Tail())
			}
			return fmt.Errorf("--format %q: want table or json", cmd.String("format"))
		},
	}
}

func psTable(pids []int, args []string) error {
	if len(args) == 0 {
		args = []string{"-ef"}
	}
	out, err := exec.Command("ps", args...).Output()
	if err != nil {
		return fmt.Errorf("ps %s: %w", strings.Join(args, " "), err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	if !sc.Scan() {
		return nil
	}
	header := sc.Text()
	col := slices.Index(strings.Fields(header), "PID")
	if col < 0 {
		return fmt.Errorf("ps %s: no PID column", strings.Join(args, " "))
	}
	fmt.Println(header)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) <= col {
			continue
		}
		if pid, err := strconv.Atoi(fields[col]); err == nil && slices.Contains(pids, pid) {
			fmt.Println(sc.Text())
		}
	}
	return nil
}

func pauseCommand() *cli.Command {
	return &cli.Command{
		Name: "pause", Usage: "freeze every process of a container", ArgsUsage: "ID",
		Action: func(_ context.Context, cmd *cli.Command) error {
			c, err := load(cmd)
			if err != nil {
				return err
			}
			return c.Pause()
		},
	}
}

func resumeCommand() *cli.Command {
	return &cli.Command{
		Name: "resume", Usage: "thaw a paused container", ArgsUsage: "ID",
		Action: func(_ context.Context, cmd *cli.Command) error {
			c, err := load(cmd)
			if err != nil {
				return err
			}
			return c.Resume()
		},
	}
}
