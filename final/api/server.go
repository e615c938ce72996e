package api

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/build"
	mdimage "github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

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
	// Idle, when not 0, ends Serve once no request has been under way
	// for that long (system service --time, as podman's): a server that
	// socket activation started goes away when it is not used.
	Idle time.Duration

	// createMu makes one create at a time: a create holds its image
	// with a lease of this process (image.Store.Hold), released once
	// the container is recorded, for all of this process's holds.
	createMu sync.Mutex

	attachWaits attachWaits // attaches waiting for their container's start
	execs       execs       // docker exec's instances, in memory as docker's
}

// Serve answers on l until ctx ends, then stops taking requests and waits
// a little for those under way: the containers are not the server's and
// go on running.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	idle := newIdleWatch(s.Idle)
	srv := &http.Server{Handler: idle.wrap(s.Handler()), ReadHeaderTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	case <-idle.expired:
		logrus.Infof("no request for %s (--time): the server ends", s.Idle)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close() // a logs -f or a wait may last for ever
	}
	return nil
}
