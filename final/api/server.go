package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mydocker/mydocker/final/build"
	mdimage "github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// DefaultHost is where the server listens unless told: docker's socket
// path, with mydocker's name.
const DefaultHost = "unix:///run/mydocker.sock"

// Hooks are what the server does through cmd/mydocker's own code: the
// same checks, defaults and error words as the CLI's, not a copy of them.
type Hooks struct {
	// Create makes a container as "mydocker create ARGS..." would, and
	// leaves nothing behind when it fails.
	Create func(ctx context.Context, args []string) (*state.Container, error)
	// Start starts a created or exited container with a monitor of its
	// own, as "mydocker start" does, and returns once it runs.
	Start func(st *state.Container) error
	// RemoveImage removes an image as "mydocker rmi [-f]" does, and
	// returns rmi's lines ("Untagged: …", "Deleted: …").
	RemoveImage func(name string, force bool) ([]string, error)
	// PruneImages removes the images no container uses, as "mydocker
	// image prune [-a]": prune's lines and the bytes freed.
	PruneImages func(all bool) ([]string, int64, error)
	// Build builds as "mydocker build" does, of the context tar in (its
	// Dockerfile at dockerfile, "" for the context's), a FROM image's
	// pull shown on pulls.
	Build func(ctx context.Context, opts build.Options, in io.Reader, dockerfile string, pulls mdimage.Progress) (*mdimage.Image, error)
	// StartAttached is Start with a connection to the container's
	// monitor attached first (monitor.Options.Attach), before its
	// command runs: none of its output is lost.
	StartAttached func(st *state.Container) (net.Conn, error)
}

// Server answers the Engine API for the containers and images under Root.
type Server struct {
	Root    string // --root: the CLI's state root
	Version string // mydocker's version, as version reports it
	Hooks   Hooks

	// createMu makes one create at a time: a create holds its image
	// with a lease of this process (image.Store.Hold), released once
	// the container is recorded, for all of this process's holds.
	createMu sync.Mutex

	attachWaits attachWaits // attaches waiting for their container's start
	execs       execs       // docker exec's instances, in memory as docker's
}

// Listen opens the socket that host names: unix:///path only, made 0600
// (root alone may drive containers, as with docker's socket). TCP waits
// for TLS client certificates, which this slice does not have yet.
func Listen(host string) (net.Listener, error) {
	path, ok := strings.CutPrefix(host, "unix://")
	switch {
	case strings.HasPrefix(host, "tcp://"):
		return nil, fmt.Errorf("--host %s: TCP is not supported yet (it will need TLS client certificates); use unix:///path.sock", host)
	case !ok || !strings.HasPrefix(path, "/"):
		return nil, fmt.Errorf("--host %q: want unix:///absolute/path.sock", host)
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	// The umask makes the socket 0600 from its first moment: a chmod
	// after bind would leave a window in which anyone could connect.
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	return l, nil
}

// removeStaleSocket removes a socket that a server killed before it could
// clean up left at path; a live server's socket, or a file that is no
// socket, is refused rather than taken over.
func removeStaleSocket(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--host %s: %w", path, err)
	}
	if info.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("--host %s: a file that is not a socket is there already", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("--host %s: another server listens there already", path)
	}
	return os.Remove(path)
}

// Serve answers on l until ctx ends, then stops taking requests and waits
// a little for those under way: the containers are not the server's and
// go on running.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close() // a logs -f or a wait may last for ever
	}
	return nil
}
