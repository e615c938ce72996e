package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/observe"
	"github.com/mydocker/mydocker/final/state"
)

// topCommand lists a container's processes, as docker top.
func topCommand() *cli.Command {
	return &cli.Command{
		Name:      "top",
		Usage:     "list the processes of a running container (host PIDs)",
		ArgsUsage: "CONTAINER",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("top: want exactly one container")
			}
			_, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			list, err := observe.Top(st)
			if err != nil {
				return err
			}
			w := newTable(6)
			fmt.Fprintln(w, "UID\tPID\tPPID\tTIME\tCMD")
			for _, p := range list {
				fmt.Fprintf(w, "%d\t%d\t%d\t%.2fs\t%s\n", p.UID, p.PID, p.PPID, p.CPUSeconds, p.Command)
			}
			return w.Flush()
		},
	}
}

// statsCommand shows the containers' use of CPU, memory and processes, as
// docker stats: once with --no-stream, else every second until ^C.
func statsCommand() *cli.Command {
	return &cli.Command{
		Name:      "stats",
		Usage:     "show running containers' CPU, memory and process counts (--no-stream: once)",
		ArgsUsage: "[CONTAINER...]",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-stream", Usage: "one sample, then exit"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			for {
				if err := printStats(cmd); err != nil {
					return err
				}
				if cmd.Bool("no-stream") {
					return nil
				}
			}
		},
	}
}

// printStats samples the containers named (all running ones by default)
// at once, over 500 ms, and prints docker's table.
func printStats(cmd *cli.Command) error {
	s := store(cmd)
	var states []*state.Container
	if cmd.Args().Len() == 0 {
		all, err := s.List()
		if err != nil {
			return err
		}
		for _, st := range all {
			if st.Status == state.Running {
				states = append(states, st)
			}
		}
	}
	for _, ref := range cmd.Args().Slice() {
		st, err := s.Find(ref)
		if err != nil {
			return err
		}
		states = append(states, st)
	}
	stats := make([]observe.Stat, len(states))
	errs := make([]error, len(states))
	var wg sync.WaitGroup
	for i, st := range states {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i], errs[i] = observe.Stats(st, 500*time.Millisecond)
		}()
	}
	wg.Wait()
	w := newTable(6)
	fmt.Fprintln(w, "CONTAINER ID\tNAME\tCPU %\tMEM USAGE / LIMIT\tMEM %\tPIDS")
	for i, st := range states {
		if errs[i] != nil {
			return errs[i]
		}
		m := stats[i]
		memPct := 0.0
		if m.MemLimit > 0 {
			memPct = float64(m.MemUsage) / float64(m.MemLimit) * 100
		}
		fmt.Fprintf(w, "%s\t%s\t%.2f%%\t%s / %s\t%.2f%%\t%d\n", st.ShortID(), st.Name, m.CPUPercent,
			binarySize(m.MemUsage), binarySize(m.MemLimit), memPct, m.Pids)
	}
	return w.Flush()
}

// binarySize prints bytes as docker stats does: 1.5MiB.
func binarySize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.4g%s", f, units[i])
}
