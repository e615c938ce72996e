package api

import (
	"io"
	"net"
	"net/http"
	"sync"

	"golang.org/x/net/websocket"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

// attachWebsocket is attach over a websocket, as docker's attach/ws: the
// same query, the container's output raw in binary messages (stdout and
// stderr together, never framed), and the client's messages its input.
// A websocket has no half-close: the client closing it is its hang-up.
func (s *Server) attachWebsocket(w http.ResponseWriter, r *http.Request) {
	st, a, err := s.attachTarget(r)
	if err != nil {
		writeError(w, err)
		return
	}
	// The wait for the start is registered before the handshake, as
	// attach's is before its response (the client starts once it has it).
	var waiter chan net.Conn
	if a.stream && !st.Running() {
		waiter = s.attachWaits.add(st.ID)
	}
	served := false
	// No Handshake: docker's checks no Origin either.
	websocket.Server{Handler: func(ws *websocket.Conn) {
		served = true
		s.streamWebsocket(ws, st, a, waiter)
	}}.ServeHTTP(w, r)
	if !served { // the handshake failed
		s.dropWait(st.ID, waiter)
	}
}

func (s *Server) streamWebsocket(ws *websocket.Conn, st *state.Container, a attachRequest, waiter chan net.Conn) {
	defer ws.Close()
	ws.PayloadType = websocket.BinaryFrame
	out := &wsOutput{ws: ws, gone: make(chan struct{})}
	stdout, stderr := io.Writer(out), io.Writer(out)
	if !a.stdout {
		stdout = io.Discard
	}
	if !a.stderr {
		stderr = io.Discard
	}
	if a.logs {
		_ = mdcontainer.Logs(st, stdout, stderr, mdcontainer.LogsOptions{Tail: -1})
	}
	if !a.stream {
		return
	}
	o := monitor.AttachOptions{Stdout: stdout, Stderr: stderr}
	// The client's messages are read until it goes: as the input when
	// it is asked for, else thrown away.
	var input io.Writer = io.Discard
	if a.stdin && st.OpenStdin {
		r, w := io.Pipe()
		defer r.Close()
		o.Stdin, input = r, w
		if st.TTY {
			o.DetachKeys = a.detachKeys
		}
	}
	go func() {
		_, _ = io.Copy(input, ws)
		if c, ok := input.(io.Closer); ok {
			c.Close()
		}
		out.hangUp()
	}()
	conn, err := s.monitorConn(st, waiter, out.gone)
	if err != nil {
		return
	}
	streamUntilGone(conn, o, out.gone)
}

// wsOutput sends each write as a message; a failed one is a hang-up.
type wsOutput struct {
	ws   *websocket.Conn
	gone chan struct{}
	once sync.Once
}

func (o *wsOutput) Write(p []byte) (int, error) {
	if _, err := o.ws.Write(p); err != nil {
		o.hangUp()
		return 0, errClientGone
	}
	return len(p), nil
}

func (o *wsOutput) hangUp() { o.once.Do(func() { close(o.gone) }) }
