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

	"github.com/mydocker/mydocker/ch6-network/internal/atomicfile"
)

// Port is one -p HOST:CONTAINER[/PROTO].
type Port struct {
	Host      int    `json:"host"`
	Container int    `json:"container"`
	Proto     string `json:"proto"` // tcp or udp
}

func (p Port) String() string { return fmt.Sprintf("%d:%d/%s", p.Host, p.Container, p.Proto) }

// ParsePort parses -p HOST:CONTAINER[/tcp|/udp].
func ParsePort(spec string) (Port, error) {
	bad := func(why string) (Port, error) {
		return Port{}, fmt.Errorf("invalid port mapping %q: %s (want HOSTPORT:CONTAINERPORT[/tcp|/udp])", spec, why)
	}
	p := Port{Proto: "tcp"}
	ports, proto, hasProto := strings.Cut(spec, "/")
	if hasProto {
		if proto != "tcp" && proto != "udp" {
			return bad("the protocol must be tcp or udp")
		}
		p.Proto = proto
	}
	host, container, ok := strings.Cut(ports, ":")
	if !ok {
		return bad("two ports are needed")
	}
	for _, f := range []struct {
		s   string
		out *int
	}{{host, &p.Host}, {container, &p.Container}} {
		n, err := strconv.Atoi(f.s)
		if err != nil || n < 1 || n > 65535 {
			return bad(fmt.Sprintf("%q is not a port from 1 to 65535", f.s))
		}
		*f.out = n
	}
	return p, nil
}

// portKey is p's key in ports.json: tcp/8080.
func portKey(p Port) string { return fmt.Sprintf("%s/%d", p.Proto, p.Host) }

func (s Store) portsPath() string { return filepath.Join(s.Root, "ports.json") }

// takePorts reserves the host ports of ports for owner, or says which one
// a container of ours has already. Call it with the lock held.
func (s Store) takePorts(ports []Port, owner string) error {
	taken, err := s.loadPorts()
	if err != nil {
		return err
	}
	mine := map[string]bool{}
	for _, p := range ports {
		key := portKey(p)
		if other, ok := taken[key]; ok && other != owner {
			return fmt.Errorf("bind for 0.0.0.0:%d/%s failed: port is already allocated: host port %s is taken by container %.12s", p.Host, p.Proto, key, other)
		}
		if mine[key] {
			return fmt.Errorf("bind for 0.0.0.0:%d/%s failed: port is already allocated: host port %s is mapped twice", p.Host, p.Proto, key)
		}
		mine[key] = true
		taken[key] = owner
	}
	return s.savePorts(taken)
}

// bindHostPort binds the host port of p on every address, as docker does
// for -p: the DNAT would otherwise take the port over from a host service
// that serves it (sshd on 22), silently. The error says so in docker's
// words.
func bindHostPort(p Port) (io.Closer, error) {
	addr := fmt.Sprintf(":%d", p.Host)
	var c io.Closer
	var err error
	if p.Proto == "udp" {
		c, err = net.ListenPacket("udp", addr)
	} else {
		c, err = net.Listen("tcp", addr)
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("failed to bind host port 0.0.0.0:%d/%s: address already in use", p.Host, p.Proto)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to bind host port 0.0.0.0:%d/%s: %w", p.Host, p.Proto, err)
	}
	return c, nil
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
