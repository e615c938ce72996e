package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/network"
)

// networkLsCommand lists the networks, as docker network ls: its columns,
// --format, --filter, -q, --no-trunc.
func networkLsCommand() *cli.Command {
	return &cli.Command{
		Name:    "list",
		Aliases: []string{"ls"},
		Usage:   "list the networks",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "show the network IDs only"},
			&cli.StringSliceFlag{Name: "f", Aliases: []string{"filter"}, Usage: "show only what matches KEY=VALUE: name, id, driver, type, label, dangling (repeatable)"},
			&cli.StringFlag{Name: "format", Usage: "table, table TEMPLATE, json, or a Go template of each network ({{.ID}}, {{.Name}}, {{.Driver}}, ...)"},
			&cli.BoolFlag{Name: "no-trunc", Usage: "show IDs whole"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			f, err := parseFilters(cmd.StringSlice("f"), networkFilterKeys)
			if err != nil {
				return err
			}
			def := "{{.ID}}\\t{{.Name}}\\t{{.Driver}}\\t{{.Scope}}"
			if cmd.Bool("q") {
				def = "{{.ID}}"
			}
			format, err := parseListFormat(cmd.String("format"), def)
			if err != nil {
				return err
			}
			if cmd.Bool("q") {
				format.table = false
			}
			// What dead runs and creates left is collected first: ls
			// shows no network half-made, and a damaged file is named here.
			s := networks(cmd)
			if err := s.Collect(); err != nil {
				return err
			}
			nets, err := s.List()
			if err != nil {
				return err
			}
			// host and none are listed as docker lists them, by name
			// among the others.
			nets = append(nets, network.Predefined()...)
			sort.Slice(nets, func(i, j int) bool { return nets[i].Name < nets[j].Name })
			rows, err := networkRows(cmd, nets, f)
			if err != nil {
				return err
			}
			return format.write(rows, networkHeader)
		},
	}
}

// networkRow is one network as docker network ls's templates see it.
type networkRow struct {
	CreatedAt string
	Driver    string
	ID        string
	IPv6      string
	Internal  string
	Labels    string
	Name      string
	Scope     string

	header bool
	labels map[string]string
}

// Label is one label's value.
func (r networkRow) Label(key string) string {
	if r.header {
		return "LABEL"
	}
	return r.labels[key]
}

var networkHeader = networkRow{CreatedAt: "CREATED", Driver: "DRIVER", ID: "NETWORK ID", IPv6: "IPV6",
	Internal: "INTERNAL", Labels: "LABELS", Name: "NAME", Scope: "SCOPE", header: true}

var networkFilterKeys = []string{"name", "id", "driver", "type", "label", "dangling"}

// networkRows are the networks that match f. The default bridge, host
// and none are docker's "builtin" type, the others "custom"; dangling
// ones are custom ones with no container on them (docker never counts a
// builtin one dangling).
func networkRows(cmd *cli.Command, nets []*network.Network, f filters) ([]any, error) {
	var dangling []bool
	for _, v := range f["dangling"] {
		b, err := boolFilter("dangling", v)
		if err != nil {
			return nil, err
		}
		dangling = append(dangling, b)
	}
	for _, v := range f["type"] {
		if v != "custom" && v != "builtin" {
			return nil, fmt.Errorf("invalid filter 'type=%s'", v)
		}
	}
	used := map[string]bool{}
	if f.has("dangling") {
		containers, _ := store(cmd).List()
		for _, st := range containers {
			for _, ep := range st.Endpoints() {
				used[ep.Network] = true
			}
		}
	}
	var rows []any
	for _, n := range nets {
		id := n.NetworkID()
		kind := "custom"
		builtin := n.Name == network.DefaultName || network.IsPredefined(n.Name)
		if builtin {
			kind = "builtin"
		}
		ok := f.any("name", func(v string) bool { return strings.Contains(n.Name, v) }) &&
			f.any("id", func(v string) bool { return strings.HasPrefix(id, v) }) &&
			f.any("driver", func(v string) bool { return v == n.Driver }) &&
			f.any("type", func(v string) bool { return v == kind }) &&
			f.any("label", labelMatch(n.Labels)) &&
			f.any("dangling", func(string) bool {
				for _, d := range dangling {
					if d == (!builtin && !used[n.Name]) {
						return true
					}
				}
				return false
			})
		if !ok {
			continue
		}
		rows = append(rows, networkRow{Driver: n.Driver, ID: idOf(id, cmd.Bool("no-trunc")), IPv6: "false",
			Internal: "false", Name: n.Name, Scope: "local", Labels: joinLabels(n.Labels), labels: n.Labels})
	}
	return rows, nil
}
