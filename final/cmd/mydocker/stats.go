package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	units "github.com/docker/go-units"
	"github.com/urfave/cli/v3"
	"golang.org/x/term"

	"github.com/mydocker/mydocker/final/observe"
	"github.com/mydocker/mydocker/final/state"
)

// statsCommand shows the containers' use of CPU, memory, network, block
// devices and processes, as docker stats: once with --no-stream, else
// every second until ^C.
func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "show containers' CPU, memory, network and block I/O, and process counts (--no-stream: once)",
		ArgsUsage: "[CONTAINER...]",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "show all containers (default shows just running)"},
			&cli.BoolFlag{Name: "no-stream", Usage: "one sample, then exit"},
			&cli.BoolFlag{Name: "no-trunc", Usage: "show IDs whole"},
			&cli.StringFlag{Name: "format", Usage: "table, table TEMPLATE, json, or a Go template of each container ({{.Name}}, {{.CPUPerc}}, ...)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			format, err := parseListFormat(cmd.String("format"), statsTable)
			if err != nil {
				return err
			}
			if cmd.Bool("no-stream") {
				return printStats(cmd, format, 500*time.Millisecond)
			}
			// A terminal is redrawn, as docker's; a pipe gets a table a second.
			clear := term.IsTerminal(int(os.Stdout.Fd()))
			for {
				rows, err := statsRows(cmd, time.Second)
				if err != nil {
					return err
				}
				if clear {
					fmt.Print("\033[2J\033[H")
				}
				if err := format.write(rows, statsHeader); err != nil {
					return err
				}
			}
		},
	}
}

// statsTable is docker stats's default table.
const statsTable = "{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"

// statsRow is one container as docker stats's templates see it: docker's
// field names and JSON keys, each a string formatted as in the table.
type statsRow struct {
	BlockIO   string
	CPUPerc   string
	Container string // the container as named on the command line, else its short ID
	ID        string
	MemPerc   string
	MemUsage  string
	Name      string
	NetIO     string
	PIDs      string
}

// statsHeader names the columns of a "table" format, as docker's.
var statsHeader = statsRow{
	BlockIO: "BLOCK I/O", CPUPerc: "CPU %", Container: "CONTAINER", ID: "CONTAINER ID", MemPerc: "MEM %",
	MemUsage: "MEM USAGE / LIMIT", Name: "NAME", NetIO: "NET I/O", PIDs: "PIDS",
}

func printStats(cmd *cli.Command, format listFormat, interval time.Duration) error {
	rows, err := statsRows(cmd, interval)
	if err != nil {
		return err
	}
	return format.write(rows, statsHeader)
}

// statsTarget is a container stats shows, and how it was named.
type statsTarget struct {
	ref string
	st  *state.Container
}

// statsTargets are the containers named, or else the running ones (all
// with -a), newest first.
func statsTargets(cmd *cli.Command) ([]statsTarget, error) {
	var targets []statsTarget
	if cmd.Args().Len() > 0 {
		s := state.Store{Root: cmd.Root().String("root")}
		for _, ref := range cmd.Args().Slice() {
			st, err := findReconciled(s, ref)
			if err != nil {
				return nil, err
			}
			targets = append(targets, statsTarget{ref, st})
		}
		return targets, nil
	}
	all, err := store(cmd).List()
	if err != nil {
		return nil, err
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Created.After(all[j].Created) })
	for _, st := range all {
		if cmd.Bool("a") || running(st) {
			targets = append(targets, statsTarget{st.ShortID(), st})
		}
	}
	return targets, nil
}

// statsRows samples the containers at once, over interval.
func statsRows(cmd *cli.Command, interval time.Duration) ([]any, error) {
	targets, err := statsTargets(cmd)
	if err != nil {
		return nil, err
	}
	stats := make([]observe.Stat, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		if !running(t.st) {
			continue // all zeros, as docker shows a stopped container
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i], errs[i] = observe.Stats(t.st, interval)
		}()
	}
	wg.Wait()
	rows := make([]any, len(targets))
	for i, t := range targets {
		// One that stopped while it was sampled is a stopped one.
		if errs[i] != nil && !errors.Is(errs[i], state.ErrNotRunning) && t.st.Init.Alive() {
			return nil, errs[i]
		}
		if errs[i] != nil {
			stats[i] = observe.Stat{}
		}
		rows[i] = newStatsRow(t, stats[i], cmd.Bool("no-trunc"))
	}
	return rows, nil
}

func running(st *state.Container) bool { return st.Status == state.Running && st.Init.Alive() }

// newStatsRow formats m as docker does: memory in binary units
// ("1.492MiB / 23.54GiB"), network and block I/O in decimal ones with
// three digits ("1.45kB / 648B").
func newStatsRow(t statsTarget, m observe.Stat, noTrunc bool) statsRow {
	memPct := 0.0
	if m.MemLimit > 0 {
		memPct = float64(m.MemUsage) / float64(m.MemLimit) * 100
	}
	decimal := func(a, b uint64) string {
		return units.HumanSizeWithPrecision(float64(a), 3) + " / " + units.HumanSizeWithPrecision(float64(b), 3)
	}
	return statsRow{
		BlockIO:   decimal(m.BlockRead, m.BlockWrite),
		CPUPerc:   fmt.Sprintf("%.2f%%", m.CPUPercent),
		Container: t.ref,
		ID:        idOf(t.st.ID, noTrunc),
		MemPerc:   fmt.Sprintf("%.2f%%", memPct),
		MemUsage:  units.BytesSize(float64(m.MemUsage)) + " / " + units.BytesSize(float64(m.MemLimit)),
		Name:      t.st.Name,
		NetIO:     decimal(m.NetRx, m.NetTx),
		PIDs:      fmt.Sprint(m.Pids),
	}
}
