package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/state"
)

// psCommand lists the containers (book 5.2), as docker ps: newest first,
// docker's columns, --format, --filter, -n, -l, -s, --no-trunc.
func psCommand() *cli.Command {
	return &cli.Command{
		Name:    "ps",
		Aliases: []string{"ls"},
		Usage:   "list the running containers (-a: all of them)",
		Before:  useRoot,
		// ps -aq, as docker users type it.
		UseShortOptionHandling: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "show the containers that have exited too"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "show the IDs only"},
			&cli.StringSliceFlag{Name: "f", Aliases: []string{"filter"}, Usage: "show only what matches KEY=VALUE: id, name, label, status, exited, ancestor, network, volume, publish, expose, before, since, health (repeatable)"},
			&cli.StringFlag{Name: "format", Usage: "table, table TEMPLATE, json, or a Go template of each container ({{.ID}}, {{.Names}}, ...)"},
			&cli.IntFlag{Name: "n", Aliases: []string{"last"}, Value: -1, Usage: "show the N containers created last, whatever their state"},
			&cli.BoolFlag{Name: "l", Aliases: []string{"latest"}, Usage: "show the container created last, whatever its state"},
			&cli.BoolFlag{Name: "s", Aliases: []string{"size"}, Usage: "show each container's size: its changes (and its image's)"},
			&cli.BoolFlag{Name: "no-trunc", Usage: "show IDs and commands whole"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			filters, err := parseFilters(cmd.StringSlice("f"), psFilterKeys)
			if err != nil {
				return err
			}
			format, err := parseListFormat(cmd.String("format"), psTable(cmd.Bool("s")))
			if err != nil {
				return err
			}
			s := state.Store{Root: cmd.Root().String("root")}
			// What every command's reconcile lists is what ps shows:
			// each container is read once.
			states, damaged, err := reconcileAll(s)
			if err != nil {
				return err
			}
			// A container that cannot be read is neither listed nor
			// removed: one line says which file and what to do.
			for _, d := range damaged {
				fmt.Fprintf(os.Stderr, "mydocker: %s\n", d.Hint())
			}
			shown, err := psSelect(cmd, s, states, filters)
			if err != nil {
				return err
			}
			if cmd.Bool("q") {
				for _, st := range shown {
					fmt.Println(idOf(st.ID, cmd.Bool("no-trunc")))
				}
				return nil
			}
			opts := psRowOptions{noTrunc: cmd.Bool("no-trunc"), size: cmd.Bool("s") || strings.Contains(cmd.String("format"), ".Size"), now: time.Now()}
			rows := make([]any, len(shown))
			for i, st := range shown {
				rows[i] = newPSRow(s, st, opts)
			}
			return format.write(rows, psHeader)
		},
	}
}

// psTable is ps's default table, as docker's.
func psTable(size bool) string {
	t := "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
	if size {
		t += "\t{{.Size}}"
	}
	return t
}

// psSelect is what ps shows, newest first: the running containers, or
// all with -a, -n, -l, or a status or exited filter (which would find
// nothing among the running ones otherwise), that match the filters.
func psSelect(cmd *cli.Command, s state.Store, states []*state.Container, f filters) ([]*state.Container, error) {
	sort.SliceStable(states, func(i, j int) bool { return states[i].Created.After(states[j].Created) })
	last := cmd.Int("n")
	if cmd.Bool("l") {
		last = 1
	}
	all := cmd.Bool("a") || last > 0 || f.has("status") || f.has("exited")
	match, err := psMatcher(s, f)
	if err != nil {
		return nil, err
	}
	var shown []*state.Container
	for _, st := range states {
		if last > 0 && len(shown) == last {
			break
		}
		if !all && !st.Running() && !st.Restarting() { // docker lists a restarting one as running
			continue
		}
		if match(st) {
			shown = append(shown, st)
		}
	}
	return shown, nil
}

// idOf is an ID as docker's tables show it: 12 characters, or whole.
func idOf(id string, noTrunc bool) string {
	if noTrunc || len(id) <= 12 {
		return id
	}
	return id[:12]
}
