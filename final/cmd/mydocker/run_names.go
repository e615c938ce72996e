package main

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/urfave/cli/v3"

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
	if n := cmd.String("net"); !cmd.IsSet("net") || n == network.DefaultName || n == "host" || n == "none" {
		return nil, errors.New("network-scoped aliases are only supported for user-defined networks")
	}
	for _, a := range aliases {
		if !validHostname.MatchString(a) {
			return nil, fmt.Errorf("invalid argument %q for \"--network-alias\" flag: not a valid host name", a)
		}
	}
	return aliases, nil
}
