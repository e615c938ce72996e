package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// networkInspectCommand prints networks as docker's JSON array: the
// subnet and gateway, the bridge, and the containers on it.
func networkInspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show networks as JSON, with the containers on them",
		ArgsUsage: "NAME...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "f", Aliases: []string{"format"}, Usage: "json, or a Go template of each network, such as '{{.Id}}'"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() < 1 {
				return errors.New("network inspect: missing network")
			}
			states, err := store(cmd).List()
			if err != nil {
				return err
			}
			var out []map[string]any
			for _, name := range cmd.Args().Slice() {
				name = networks(cmd).NameOf(name)
				if n := network.PredefinedNamed(name); n != nil {
					out = append(out, predefinedJSON(n, states))
					continue
				}
				n, err := networks(cmd).Get(name)
				if err != nil {
					return err
				}
				out = append(out, networkJSON(n, states))
			}
			if f := cmd.String("f"); f != "" {
				tmpl, err := parseInspectFormat(f)
				if err != nil {
					return err
				}
				found := make([]any, len(out))
				for i, o := range out {
					found[i] = o
				}
				return printInspected(found, tmpl)
			}
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "    ")
			return enc.Encode(out)
		},
	}
}

func networkJSON(n *network.Network, states []*state.Container) map[string]any {
	members := map[string]any{}
	for _, st := range states {
		ep := st.EndpointOn(n.Name)
		if ep == nil || !st.Running() {
			continue
		}
		ones, _ := n.IPNet().Mask.Size()
		members[st.ID] = map[string]any{
			"Name":        st.Name,
			"IPv4Address": fmt.Sprintf("%s/%d", ep.IP, ones),
			"MacAddress":  network.MACOf(ep.IP),
		}
	}
	return map[string]any{
		"Name": n.Name, "Id": n.NetworkID(), "Driver": n.Driver, "Scope": "local",
		"IPAM":       map[string]any{"Driver": "default", "Config": []map[string]string{{"Subnet": n.Subnet, "Gateway": n.Gateway}}},
		"Options":    map[string]string{"com.docker.network.bridge.name": n.Bridge},
		"Labels":     labelsOrEmpty(n.Labels),
		"Containers": members,
	}
}

// predefinedJSON is host or none as docker shows them: no subnet, no
// options, and the running containers that --network host or none put
// there, with no address.
func predefinedJSON(n *network.Network, states []*state.Container) map[string]any {
	members := map[string]any{}
	for _, st := range states {
		if !st.Running() || networkOf(st) != n.Name {
			continue
		}
		members[st.ID] = map[string]any{"Name": st.Name, "IPv4Address": "", "MacAddress": ""}
	}
	return map[string]any{
		"Name": n.Name, "Id": n.NetworkID(), "Driver": n.Driver, "Scope": "local",
		"IPAM":       map[string]any{"Driver": "default", "Config": []map[string]string{}},
		"Options":    map[string]string{},
		"Labels":     map[string]string{},
		"Containers": members,
	}
}

// labelsOrEmpty is labels, or {} for none, as docker's inspect shows them.
func labelsOrEmpty(labels map[string]string) map[string]string {
	if labels == nil {
		return map[string]string{}
	}
	return labels
}
