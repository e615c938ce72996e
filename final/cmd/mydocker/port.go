package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// portCommand lists a container's published ports as docker port does:
// "80/tcp -> 0.0.0.0:32768", one line per binding, or with a port only
// the host's side of it. Its failures exit 1, as docker's.
func portCommand() *cli.Command {
	return &cli.Command{
		Name:      "port",
		Usage:     "list a container's port mappings, or the host address of one port",
		ArgsUsage: "CONTAINER [PRIVATE_PORT[/PROTO]]",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			args := cmd.Args().Slice()
			if len(args) < 1 || len(args) > 2 {
				return portFailed(errors.New(`"port" requires at least 1 and at most 2 arguments: mydocker port CONTAINER [PRIVATE_PORT[/PROTO]]`))
			}
			_, st, err := findContainer(cmd, args[0])
			if err != nil {
				return portFailed(err)
			}
			lines, err := portLines(st, args)
			if err != nil {
				return portFailed(err)
			}
			for _, l := range lines {
				fmt.Println(l)
			}
			return nil
		},
	}
}

func portFailed(err error) error {
	fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
	return exitStatus(1)
}

// portLines are port's lines for the container st: every binding, or
// with args[1] those of that port, in docker's natural order.
func portLines(st *state.Container, args []string) ([]string, error) {
	ports := container.NetworkPorts(st)
	var out []string
	if len(args) == 2 {
		port, proto, _ := strings.Cut(args[1], "/")
		if proto == "" {
			proto = "tcp"
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return nil, fmt.Errorf("Error: invalid port (%s): %w", port, err)
		}
		bindings := ports[port+"/"+proto]
		if len(bindings) == 0 {
			return nil, fmt.Errorf("Error: No public port '%s' published for %s", args[1], args[0])
		}
		for _, b := range bindings {
			out = append(out, net.JoinHostPort(b.HostIP, b.HostPort))
		}
	} else {
		for key, bindings := range ports {
			for _, b := range bindings {
				out = append(out, fmt.Sprintf("%s -> %s", key, net.JoinHostPort(b.HostIP, b.HostPort)))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i], out[j]) })
	return out, nil
}

// naturalLess orders strings with their numbers compared as numbers
// (80/tcp before 443/tcp), as docker port sorts its lines.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:da])
			nb, _ := strconv.Atoi(b[:db])
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// portsColumn is the PORTS column of docker ps for the container st, in
// docker's order and grouping: a port published to its own number, or
// only exposed, joins a run of consecutive ports of the same address and
// protocol (0.0.0.0:8000-8002->8000-8002/tcp, 9000-9001/tcp), listed
// first; a port published to another number is an entry of its own
// (0.0.0.0:8080->80/tcp), listed after them.
func portsColumn(st *state.Container) string {
	type entry struct {
		ip         string
		host, priv int
		proto      string
	}
	var all []entry
	for key, bindings := range container.NetworkPorts(st) {
		_, priv, proto, ok := network.ExposedKey(key)
		if !ok {
			continue
		}
		if len(bindings) == 0 {
			all = append(all, entry{priv: priv, proto: proto})
		}
		for _, b := range bindings {
			host, _ := strconv.Atoi(b.HostPort)
			all = append(all, entry{ip: b.HostIP, host: host, priv: priv, proto: proto})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.priv != b.priv {
			return a.priv < b.priv
		}
		if a.ip != b.ip {
			return a.ip < b.ip
		}
		if a.host != b.host {
			return a.host < b.host
		}
		return a.proto < b.proto
	})
	type run struct{ first, last int }
	runs := map[string]*run{} // by address and protocol
	var order, out, mapped []string
	for _, e := range all {
		key := e.proto
		if e.ip != "" {
			if e.host != e.priv {
				mapped = append(mapped, fmt.Sprintf("%s->%d/%s", net.JoinHostPort(e.ip, strconv.Itoa(e.host)), e.priv, e.proto))
				continue
			}
			key = e.ip + "/" + e.proto
		}
		r := runs[key]
		switch {
		case r == nil:
			order = append(order, key)
		case e.priv == r.last+1:
			r.last = e.priv
			continue
		default:
			out = append(out, formRun(key, r.first, r.last))
		}
		runs[key] = &run{e.priv, e.priv}
	}
	for _, key := range order {
		out = append(out, formRun(key, runs[key].first, runs[key].last))
	}
	return strings.Join(append(out, mapped...), ", ")
}

// formRun is one run of ports: 9000-9001/tcp, or with an address
// 0.0.0.0:8000-8002->8000-8002/tcp.
func formRun(key string, first, last int) string {
	ports := strconv.Itoa(first)
	if last != first {
		ports += "-" + strconv.Itoa(last)
	}
	ip, proto, hasIP := strings.Cut(key, "/")
	if !hasIP {
		return ports + "/" + key
	}
	return fmt.Sprintf("%s:%s->%s/%s", ip, ports, ports, proto)
}
