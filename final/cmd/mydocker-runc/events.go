package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

// eventsCommand prints the container's events as runc's JSON lines: its
// stats once (--stats), or every --interval, with an "oom" line each
// time the OOM killer has killed one of its processes, until it stops.
func eventsCommand() *cli.Command {
	return &cli.Command{
		Name:         "events",
		Usage:        "print a container's stats (--stats: once) and OOM events, as JSON lines",
		ArgsUsage:    "ID",
		OnUsageError: usageExitsOne,
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "interval", Value: 5 * time.Second, Usage: "how often to print the stats"},
			&cli.BoolFlag{Name: "stats", Usage: "print the stats once and exit"},
		},
		Action: exitOne(func(_ context.Context, cmd *cli.Command) error {
			interval := cmd.Duration("interval")
			if interval <= 0 {
				return errors.New("duration interval must be greater than 0")
			}
			c, err := load(cmd)
			if err != nil {
				return err
			}
			if c.Status() == specs.StateStopped {
				return fmt.Errorf("container with id %s is not running", c.ID)
			}
			enc := json.NewEncoder(os.Stdout)
			if cmd.Bool("stats") {
				return enc.Encode(oci.Event{Type: "stats", ID: c.ID, Data: c.Stats()})
			}
			return streamEvents(c, enc, interval)
		}),
	}
}

// oomPoll is how often the OOM kill count is read between stats: a small
// file, read so that an "oom" line comes soon after the kill.
const oomPoll = 250 * time.Millisecond

// streamEvents prints stats every interval and "oom" when the count of
// OOM kills grows, until the container stops.
func streamEvents(c *oci.Container, enc *json.Encoder, interval time.Duration) error {
	ooms := c.OOMKills()
	next := time.Now().Add(interval)
	for {
		time.Sleep(min(oomPoll, time.Until(next)))
		if c.Status() == specs.StateStopped {
			return nil
		}
		n := c.OOMKills()
		if n > ooms {
			if err := enc.Encode(oci.Event{Type: "oom", ID: c.ID}); err != nil {
				return err
			}
		}
		ooms = n
		if !time.Now().Before(next) {
			if err := enc.Encode(oci.Event{Type: "stats", ID: c.ID, Data: c.Stats()}); err != nil {
				return err
			}
			next = next.Add(interval)
		}
	}
}
