// Command reaper is the test's stand-in for testcontainers' Ryuk image
// (testcontainers/ryuk), written here from the protocol testcontainers-go
// speaks to it, because the image cannot be pulled in the tests and its
// source is not served by the Go module proxy.
//
// testcontainers-go starts it as a container with the Engine API's
// socket mounted at /var/run/docker.sock and port 8080 published, waits
// for "Started" in its log, connects to the port, and writes one line of
// filters ("label=k=v&label=k2=v2"), which it answers "ACK". When the
// last client has hung up and none comes back within
// RYUK_RECONNECTION_TIMEOUT, it removes, through the socket, every
// container, network, volume and image that matches a line it was sent,
// and exits (the container is made with AutoRemove, so it goes too).
// Nobody connecting within RYUK_CONNECTION_TIMEOUT ends it as well.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

func main() {
	log.SetFlags(0)
	log.SetOutput(os.Stdout)
	connectTimeout := envDuration("RYUK_CONNECTION_TIMEOUT", time.Minute)
	reconnectTimeout := envDuration("RYUK_RECONNECTION_TIMEOUT", 10*time.Second)
	port := os.Getenv("RYUK_PORT")
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		log.Fatalf("listen on %s: %v", port, err)
	}
	// testcontainers-go waits for this word before it connects.
	log.Printf("Started on port %s", port)

	s := &session{api: newAPI(socketPath()), changed: make(chan struct{}, 1)}
	go s.accept(ln)
	s.waitForEnd(connectTimeout, reconnectTimeout)
	ln.Close()
	s.reap()
}

// session is what the clients asked for and how many are connected.
type session struct {
	api     *api
	mu      sync.Mutex
	clients int
	seen    bool
	filters map[string]map[string][]string // by their line, deduplicated
	changed chan struct{}
}

func (s *session) accept(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		s.adjust(+1)
		go s.serve(conn)
	}
}

// serve reads a client's filter lines, each answered ACK, until it hangs up.
func (s *session) serve(conn net.Conn) {
	defer func() { conn.Close(); s.adjust(-1) }()
	lines := bufio.NewScanner(conn)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		f, err := parseFilters(line)
		if err != nil {
			log.Printf("bad filters %q: %v", line, err)
			return
		}
		s.mu.Lock()
		if s.filters == nil {
			s.filters = map[string]map[string][]string{}
		}
		s.filters[line] = f
		s.mu.Unlock()
		if _, err := conn.Write([]byte("ACK\n")); err != nil {
			return
		}
	}
}

func (s *session) adjust(by int) {
	s.mu.Lock()
	s.clients += by
	s.seen = true
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// waitForEnd returns when nobody connected within connectTimeout, or
// when, after someone did, no client has been connected for
// reconnectTimeout.
func (s *session) waitForEnd(connectTimeout, reconnectTimeout time.Duration) {
	timer := time.NewTimer(connectTimeout)
	for {
		select {
		case <-timer.C:
			s.mu.Lock()
			idle := s.clients == 0
			s.mu.Unlock()
			if idle {
				return
			}
		case <-s.changed:
			s.mu.Lock()
			idle, seen := s.clients == 0, s.seen
			s.mu.Unlock()
			timer.Stop()
			if idle && seen {
				timer.Reset(reconnectTimeout)
			} else if !idle {
				timer.Reset(time.Hour) // re-armed when the clients leave
			}
		}
	}
}

// reap removes what the filters match: containers first, since they
// hold networks, volumes and images.
func (s *session) reap() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for line, f := range s.filters {
		q, _ := json.Marshal(f)
		n := s.api.removeAll("/containers/json?all=1&filters=", q, "Id", "/containers/%s?force=1&v=1")
		n += s.api.removeAll("/networks?filters=", q, "Id", "/networks/%s")
		n += s.api.removeAll("/volumes?filters=", q, "Name", "/volumes/%s")
		n += s.api.removeAll("/images/json?filters=", q, "Id", "/images/%s?force=1")
		log.Printf("removed %d for %s", n, line)
	}
}

// parseFilters reads "label=k=v&label=k2=v2" as the Engine API's filters
// ({"label": ["k=v", "k2=v2"]}).
func parseFilters(line string) (map[string][]string, error) {
	f := map[string][]string{}
	for _, part := range strings.Split(line, "&") {
		key, value, ok := strings.Cut(part, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("%q is not key=value", part)
		}
		f[key] = append(f[key], value)
	}
	return f, nil
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// socketPath is the Engine API's socket: DOCKER_HOST's unix path, or
// where testcontainers mounts it.
func socketPath() string {
	if host, ok := strings.CutPrefix(os.Getenv("DOCKER_HOST"), "unix://"); ok {
		return host
	}
	return "/var/run/docker.sock"
}
