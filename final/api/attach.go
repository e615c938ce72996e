package api

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

func (s *Server) attachRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /containers/{id}/attach", s.attach)
	mux.HandleFunc("GET /containers/{id}/attach/ws", s.attachWebsocket)
	mux.HandleFunc("POST /containers/{id}/resize", s.resize)
	mux.HandleFunc("POST /containers/{id}/restart", s.restart)
}

// attachRequest is attach's query: which streams, the log first (logs),
// then the live streams (stream), and the keys that detach.
type attachRequest struct {
	stream, logs, stdin, stdout, stderr bool
	detachKeys                          []byte
}

// attachTarget is the container and the query of an attach request.
func (s *Server) attachTarget(r *http.Request) (*state.Container, attachRequest, error) {
	st, err := s.find(r)
	if err != nil {
		return nil, attachRequest{}, err
	}
	a, err := attachQuery(r)
	return st, a, err
}

func attachQuery(r *http.Request) (attachRequest, error) {
	a := attachRequest{stream: boolQuery(r, "stream"), logs: boolQuery(r, "logs"),
		stdin: boolQuery(r, "stdin"), stdout: boolQuery(r, "stdout"), stderr: boolQuery(r, "stderr")}
	if !a.stdin && !a.stdout && !a.stderr {
		return a, badRequest("Bad parameters: you must choose at least one stream")
	}
	keys, err := parseDetachKeys(r.URL.Query().Get("detachKeys"))
	a.detachKeys = keys
	return a, err
}

// attach is docker's attach, and what docker run without -d does before
// it starts the container: the hijacked connection carries the
// container's output (frames without a tty) and the client's input.
// Attached to a container that is not running, it waits for its start;
// started by the API's own start (start or run), the stream is the
// container's first (monitor.Options.Attach), so that none of its output
// is lost and the end of the client's input ends the container's.
func (s *Server) attach(w http.ResponseWriter, r *http.Request) {
	st, a, err := s.attachTarget(r)
	if err != nil {
		writeError(w, err)
		return
	}
	// The wait for the start is registered before the response: the
	// client (docker run) sends its start as soon as it has the response,
	// and a start that found no wait would run the container with nobody
	// attached, its output lost.
	var waiter chan net.Conn
	if a.stream && !st.Running() {
		waiter = s.attachWaits.add(st.ID)
	}
	h, err := hijack(w, r, !st.TTY)
	if err != nil {
		s.dropWait(st.ID, waiter)
		logEntry(r).WithError(err).Debug("api: attach")
		return
	}
	defer h.close()
	stdout, stderr := h.outputs(st.TTY, a.stdout, a.stderr)
	if a.logs {
		_ = mdcontainer.Logs(st, stdout, stderr, mdcontainer.LogsOptions{Tail: -1})
	}
	if !a.stream {
		return
	}
	conn, err := s.monitorConn(st, waiter, h.gone)
	if err != nil {
		logEntry(r).WithError(err).Debug("api: attach")
		return
	}
	o := monitor.AttachOptions{Stdout: stdout, Stderr: stderr}
	if a.stdin && st.OpenStdin {
		o.Stdin = h.in
		if st.TTY {
			o.DetachKeys = a.detachKeys // docker's: only with a tty
		}
	}
	streamUntilGone(conn, o, h.gone)
}

// streamUntilGone streams the container's stdio until it exits, the
// client detaches, or the client hangs up: then our connection to the
// monitor is closed, and the container goes on, with nobody attached.
func streamUntilGone(conn net.Conn, o monitor.AttachOptions, gone <-chan struct{}) {
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-gone:
			conn.Close()
		case <-ended:
		}
	}()
	_, _ = monitor.Stream(conn, o)
}

// monitorConn is a connection to the container's monitor for an attach:
// at once when it runs (waiter nil); else once it has started, the
// connection its start hands over on waiter (startContainer) or, started
// by another client (the CLI), one of its own. A client gone meanwhile
// ends the wait.
func (s *Server) monitorConn(st *state.Container, waiter chan net.Conn, gone <-chan struct{}) (net.Conn, error) {
	if waiter == nil {
		return monitor.Attach(st)
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case conn := <-waiter:
			if conn == nil {
				return nil, errors.New("the container did not start")
			}
			return conn, nil
		case <-gone:
			s.dropWait(st.ID, waiter)
			return nil, errClientGone
		case <-tick.C:
		}
		now, err := s.store().Reload(st)
		if err != nil || now.Running() {
			if s.attachWaits.remove(st.ID, waiter) {
				if err != nil {
					return nil, err
				}
				return monitor.Attach(now)
			}
		}
	}
}

// dropWait unregisters an attach's wait (nil: none); a start that has
// taken it already sends its connection, which is closed.
func (s *Server) dropWait(id string, waiter chan net.Conn) {
	if waiter == nil || s.attachWaits.remove(id, waiter) {
		return
	}
	if conn := <-waiter; conn != nil {
		conn.Close()
	}
}

// startContainer starts st as the API's start does: with the stream of
// an attach that waits for it, if there is one, attached first.
func (s *Server) startContainer(st *state.Container) error {
	waiter := s.attachWaits.takeFirst(st.ID)
	if waiter == nil {
		return s.Hooks.Start(st)
	}
	conn, err := s.Hooks.StartAttached(st)
	waiter <- conn // nil when the start failed: the attach ends
	return err
}

// resize sets the terminal size of a container run with a tty.
func (s *Server) resize(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	rows, cols, err := sizeQuery(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if !st.Running() {
		writeError(w, conflict("Container %s is not running", st.ID))
		return
	}
	if err := monitor.Resize(st, rows, cols); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// sizeQuery reads resize's h and w.
func sizeQuery(r *http.Request) (rows, cols uint16, err error) {
	var h, w uint16
	q := r.URL.Query()
	if _, err := fmt.Sscan(q.Get("h")+" "+q.Get("w"), &h, &w); err != nil {
		return 0, 0, badRequest("invalid resize: h=%q w=%q: want two numbers", q.Get("h"), q.Get("w"))
	}
	return h, w, nil
}

// restart stops the container as stop does (t, signal), then starts it:
// 204, for one that was not running too.
func (s *Server) restart(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	stop, err := stopRequest(r, st)
	if err == nil && st.Running() {
		err = mdcontainer.Stop(s.store(), st, stop.sig, stop.timeout)
	}
	if err == nil {
		st, err = s.store().Reload(st)
	}
	if err == nil {
		err = s.startContainer(st)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	mdcontainer.LogEvent(st, "restart", nil)
	w.WriteHeader(http.StatusNoContent)
}

// parseDetachKeys reads docker's detachKeys: keys apart by commas, each
// a character or ctrl-X ("ctrl-p,ctrl-q", the default when empty).
func parseDetachKeys(v string) ([]byte, error) {
	if v == "" {
		return monitor.DetachKeys, nil
	}
	var keys []byte
	for _, k := range strings.Split(v, ",") {
		switch {
		case len(k) == 1:
			keys = append(keys, k[0])
		case len(k) == 6 && strings.HasPrefix(strings.ToLower(k), "ctrl-"):
			c := strings.ToLower(k)[5]
			switch {
			case c >= 'a' && c <= 'z':
				keys = append(keys, c-'a'+1)
			case c == '@', c >= '[' && c <= '_':
				keys = append(keys, c-'@')
			default:
				return nil, badRequest("invalid detachKeys %q: unknown key %q", v, k)
			}
		default:
			return nil, badRequest("invalid detachKeys %q: unknown key %q", v, k)
		}
	}
	return keys, nil
}
