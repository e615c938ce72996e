package main

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// nameFlags are run's flags for how the container finds names.
func nameFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "dns", Usage: "a DNS server to ask (repeatable; on a user network, its DNS server asks it for other names)"},
		&cli.StringSliceFlag{Name: "dns-search", Usage: "a DNS search domain (repeatable)"},
		&cli.StringSliceFlag{Name: "dns-option", Usage: "a resolv.conf option, such as ndots:2 (repeatable)"},
		&cli.StringSliceFlag{Name: "add-host", Usage: "add NAME:IP to /etc/hosts; host-gateway as IP is the host (repeatable)"},
		&cli.StringSliceFlag{Name: "network-alias", Usage: "another name of the container on its user network (repeatable)"},
	}
}

// parseDNS checks the name flags.
func parseDNS(cmd *cli.Command) (state.DNSConfig, error) {
	d := state.DNSConfig{
		Search:  cmd.StringSlice("dns-search"),
		Options: cmd.StringSlice("dns-option"),
	}
	for _, s := range cmd.StringSlice("dns") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return d, fmt.Errorf("invalid argument %q for \"--dns\" flag: %s is not an ip address", s, s)
		}
		d.Servers = append(d.Servers, a.String())
	}
	for _, h := range cmd.StringSlice("add-host") {
		name, ip, ok := strings.Cut(h, ":")
		if !ok {
			name, ip, ok = strings.Cut(h, "=")
		}
		if !ok || !validHostname.MatchString(name) {
			return d, fmt.Errorf("invalid argument %q for \"--add-host\" flag: bad format for add-host: %q (want NAME:IP)", h, h)
		}
		if ip != "host-gateway" {
			a, err := netip.ParseAddr(strings.Trim(ip, "[]"))
			if err != nil {
				return d, fmt.Errorf("invalid argument %q for \"--add-host\" flag: invalid IP address in add-host: %q", h, ip)
			}
			ip = a.String()
		}
		d.ExtraHosts = append(d.ExtraHosts, name+":"+ip)
	}
	return d, nil
}

// parseAliases checks --network-alias: host names, on a user network
// (docker's rule: the default bridge has no names to add to).
func parseAliases(cmd *cli.Command) ([]string, error) {
	aliases := cmd.StringSlice("network-alias")
	if len(aliases) == 0 {
		return nil, nil
	}
	if n := firstOf(cmd.StringSlice("net")); n == "" || n == network.DefaultName || n == "host" || n == "none" {
		return nil, errors.New("network-scoped aliases are only supported for user-defined networks")
	}
	for _, a := range aliases {
		if !validHostname.MatchString(a) {
			return nil, fmt.Errorf("invalid argument %q for \"--network-alias\" flag: not a valid host name", a)
		}
	}
	return aliases, nil
}

// joinNetworkOf reads --network container:NAME: the container shares the
// network namespace of NAME, which must run, and takes its host name, as
// docker's; what would shape a network of its own is refused, as docker
// refuses it.
func joinNetworkOf(cmd *cli.Command, opts *container.RunOptions) error {
	ref := strings.TrimPrefix(opts.Network, "container:")
	for _, f := range []string{"hostname", "dns", "dns-search", "dns-option", "add-host", "network-alias", "p", "P", "expose"} {
		if cmd.IsSet(f) {
			return fmt.Errorf("conflicting options: --%s and the network mode container:%s", f, ref)
		}
	}
	other, err := findReconciled(state.Store{Root: opts.Root}, ref)
	if err != nil {
		return fmt.Errorf("--network container:%s: %w", ref, err)
	}
	if !other.Running() {
		return fmt.Errorf("cannot join the network of a container that is not running: %s", other.Name)
	}
	if other.NetworkContainer != "" {
		other, err = state.Store{Root: opts.Root}.Load(other.NetworkContainer)
		if err != nil || !other.Running() {
			return fmt.Errorf("--network container:%s: the container whose network it shares is gone", ref)
		}
	}
	opts.Network, opts.NetworkContainer = "", other.ID
	opts.HostNetwork = other.HostNetwork
	opts.Hostname = other.HostnameOrID()
	return nil
}

func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// moreNetworks reads the --network given after the first: user networks
// (or bridge), which the container joins too, as docker's; none, host
// and container: are a container's only network.
func moreNetworks(nets []string, opts *container.RunOptions) error {
	for i, n := range nets {
		special := n == "none" || n == "host" || strings.HasPrefix(n, "container:")
		if len(nets) > 1 && special {
			return fmt.Errorf("conflicting options: --network %s cannot be combined with other networks", n)
		}
		if slices.Contains(nets[:i], n) {
			return fmt.Errorf("--network %s: given twice", n)
		}
		if i > 0 {
			opts.MoreNetworks = append(opts.MoreNetworks, state.NetworkAttach{Name: n})
		}
	}
	return nil
}
