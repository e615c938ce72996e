package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/events"
)

// eventsCommand prints the events log, as docker events: what happened
// since --since (or from now), and then what happens, until --until or
// ^C.
func eventsCommand() *cli.Command {
	return &cli.Command{
		Name:   "events",
		Usage:  "show what happens to containers, images, networks and volumes, as it happens",
		Before: useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "since", Usage: "show events from this time (RFC 3339, a Unix time, or 10m ago)"},
			&cli.StringFlag{Name: "until", Usage: "stop at this time (the same forms); without it, follow until ^C"},
			&cli.StringSliceFlag{Name: "f", Aliases: []string{"filter"}, Usage: "only events matching KEY=VALUE: container, event, image, label, network, type, volume (repeatable)"},
			&cli.StringFlag{Name: "format", Usage: "json, or a Go template of each event ({{.Type}} {{.Action}} {{.Actor.ID}})"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			now := time.Now()
			since, until := now, time.Time{}
			var err error
			if v := cmd.String("since"); v != "" {
				if since, err = parseDockerTime(v, now); err != nil {
					return fmt.Errorf("events --since: %w", err)
				}
			}
			if v := cmd.String("until"); v != "" {
				if until, err = parseDockerTime(v, now); err != nil {
					return fmt.Errorf("events --until: %w", err)
				}
			}
			f, err := parseFilters(cmd.StringSlice("f"), events.FilterKeys)
			if err != nil {
				return err
			}
			print, err := eventPrinter(cmd.String("format"))
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return events.Read(ctx, cmd.Root().String("root"), since, until, true, func(e events.Event) {
				if events.Match(e, f) {
					print(e)
				}
			})
		},
	}
}

// eventPrinter prints an event as docker does: its time, type, action,
// actor and attributes; or by --format.
func eventPrinter(format string) (func(events.Event), error) {
	if format == "" {
		return func(e events.Event) {
			keys := make([]string, 0, len(e.Actor.Attributes))
			for k := range e.Actor.Attributes {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for i, k := range keys {
				keys[i] = k + "=" + e.Actor.Attributes[k]
			}
			fmt.Printf("%s %s %s %s (%s)\n", time.Unix(0, e.TimeNano).Format(time.RFC3339Nano), e.Type, e.Action, e.Actor.ID, strings.Join(keys, ", "))
		}, nil
	}
	f, err := parseListFormat(format, "")
	if err != nil {
		return nil, err
	}
	f.table = false
	return func(e events.Event) { _ = f.line(os.Stdout, e) }, nil
}
