package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
)

// portKey is p's key in ports.json: tcp/8080 for a port bound on every
// address (the key of older files), tcp/127.0.0.1/8080 for one address.
func portKey(p Port) string {
	if p.HostIP == "" {
		return fmt.Sprintf("%s/%d", p.Proto, p.Host)
	}
	return fmt.Sprintf("%s/%s/%d", p.Proto, p.HostIP, p.Host)
}

// keyPort is portKey undone: proto, address and host port.
func keyPort(key string) (Port, bool) {
	parts := strings.Split(key, "/")
	var p Port
	var err error
	switch len(parts) {
	case 2:
		p.Proto = parts[0]
		p.Host, err = strconv.Atoi(parts[1])
	case 3:
		p.Proto, p.HostIP = parts[0], parts[1]
		p.Host, err = strconv.Atoi(parts[2])
	default:
		return p, false
	}
	return p, err == nil
}

// clash tells whether two bindings want the same host port: the same
// protocol and port, on the same address or one of them on all.
func clash(a, b Port) bool {
	return a.Proto == b.Proto && a.Host == b.Host && (a.HostIP == "" || b.HostIP == "" || a.HostIP == b.HostIP)
}

func (s Store) portsPath() string { return filepath.Join(s.Root, "ports.json") }

// ephemeralRange is the range a free host port is taken from, as docker
// takes it: the kernel's ephemeral ports, or docker's default range when
// they cannot be read.
func ephemeralRange() (int, int) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		var lo, hi int
		if _, err := fmt.Sscan(string(b), &lo, &hi); err == nil && lo > 0 && lo <= hi && hi <= 65535 {
			return lo, hi
		}
	}
	return 49153, 65535
}

// allocatePorts gives owner a host port for each of reqs, bound by this
// process, and records them in ports.json. An asked-for port that another
// container of ours holds is refused in docker's words; where a range or
// no port was asked for, the lowest port of the range (the ephemeral
// range without one) that no container holds and that binds is taken. On
// failure nothing is bound or recorded. Call it with the lock held.
func (s Store) allocatePorts(reqs []Port, owner string) ([]Port, []io.Closer, error) {
	if len(reqs) == 0 {
		return nil, nil, nil
	}
	taken, err := s.loadPorts()
	if err != nil {
		return nil, nil, err
	}
	var got []Port
	var bound []io.Closer
	fail := func(err error) ([]Port, []io.Closer, error) {
		closeAll(bound)
		return nil, nil, err
	}
	for _, req := range reqs {
		p, c, err := allocateOne(req, owner, taken, got)
		if err != nil {
			return fail(err)
		}
		taken[portKey(p)] = owner
		got, bound = append(got, p), append(bound, c)
	}
	if err := s.savePorts(taken); err != nil {
		return fail(err)
	}
	return got, bound, nil
}

// allocateOne finds and binds the host port of req.
func allocateOne(req Port, owner string, taken map[string]string, mine []Port) (Port, io.Closer, error) {
	first, last, fixed := req.Host, req.HostEnd, req.HostEnd == 0 && req.Host != 0
	if req.Host == 0 {
		first, last = ephemeralRange()
	} else if fixed {
		last = first
	}
	for port := first; port <= last; port++ {
		p := req
		p.Host, p.HostEnd = port, 0
		if p.HostIP == "0.0.0.0" {
			p.HostIP = "" // all addresses, as without one
		}
		if err := heldBy(p, owner, taken, mine); err != nil {
			if fixed {
				return p, nil, err
			}
			continue
		}
		c, err := bindHostPort(p)
		if errors.Is(err, syscall.EADDRINUSE) && !fixed {
			continue // a host service has it: the next one
		}
		if err != nil {
			return p, nil, err
		}
		drain(c)
		return p, c, nil
	}
	return req, nil, fmt.Errorf("Bind for %s failed: all ports are allocated", req)
}

// heldBy says which container of ours holds p's host port already, or
// that this run maps it twice.
func heldBy(p Port, owner string, taken map[string]string, mine []Port) error {
	for _, m := range mine {
		if clash(p, m) {
			return fmt.Errorf("Bind for %s:%d failed: port is already allocated: host port %d/%s is mapped twice", p.shownIP(), p.Host, p.Host, p.Proto)
		}
	}
	for key, other := range taken {
		if q, ok := keyPort(key); ok && other != owner && clash(p, q) {
			return fmt.Errorf("Bind for %s:%d failed: port is already allocated: host port %d/%s is taken by container %.12s", p.shownIP(), p.Host, p.Host, p.Proto, other)
		}
	}
	return nil
}

// bindHostPort binds the host port of p, on its address or on all of
// them, as docker does for -p: the DNAT would otherwise take the port
// over from a host service that serves it (sshd on 22), silently. The
// error says so in docker's words.
func bindHostPort(p Port) (io.Closer, error) {
	addr := net.JoinHostPort(p.HostIP, strconv.Itoa(p.Host))
	var c io.Closer
	var err error
	if p.Proto == "udp" {
		c, err = net.ListenPacket("udp", addr)
	} else {
		c, err = net.Listen("tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to bind host port %s:%d/%s: %w", p.shownIP(), p.Host, p.Proto, unwrapSyscall(err))
	}
	return c, nil
}

// unwrapSyscall is the errno of a listen's error, when it has one:
// "address already in use", as docker says it.
func unwrapSyscall(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return err
}

// releasePorts gives back the host ports that owner holds.
func (s Store) releasePorts(ports []Port, owner string) error {
	taken, err := s.loadPorts()
	if err != nil {
		return err
	}
	for _, p := range ports {
		key := portKey(p)
		if taken[key] == owner {
			delete(taken, key)
		}
	}
	return s.savePorts(taken)
}

func (s Store) loadPorts() (map[string]string, error) {
	taken := map[string]string{}
	b, err := os.ReadFile(s.portsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return taken, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &taken); err != nil {
		return nil, damagedAllocations(s.portsPath(), err)
	}
	return taken, nil
}

func (s Store) savePorts(taken map[string]string) error {
	if len(taken) == 0 {
		err := os.Remove(s.portsPath())
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	b, err := json.MarshalIndent(taken, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.portsPath(), append(b, '\n'), 0o600)
}
