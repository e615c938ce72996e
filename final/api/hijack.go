package api

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"golang.org/x/sys/unix"
)

// The media types of docker's streams: raw for a tty, multiplexed
// (stdcopy frames) without one.
const (
	rawStream         = "application/vnd.docker.raw-stream"
	multiplexedStream = "application/vnd.docker.multiplexed-stream"
)

// hijacked is a request's connection, taken from net/http to carry a
// container's stdio both ways (attach, exec start), as docker's: the
// client asks with "Upgrade: tcp" and is answered 101 UPGRADED.
type hijacked struct {
	conn net.Conn
	in   io.Reader // what the client sends, after what net/http read ahead
	// gone is closed when the client has hung up: it closed the
	// connection (a half-close, the end of its input, is not that), or
	// a write to it failed.
	gone     chan struct{}
	goneOnce sync.Once
	done     chan struct{} // closed by close: the watcher stops
}

// hijack answers the request with docker's upgrade and takes its
// connection. The caller closes it.
func hijack(w http.ResponseWriter, r *http.Request, multiplexed bool) (*hijacked, error) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, fmt.Errorf("take the connection for the stream: %w", err)
	}
	contentType := rawStream
	if multiplexed {
		contentType = multiplexedStream
	}
	head := "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n"
	if r.Header.Get("Upgrade") != "" {
		head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + contentType + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
	}
	// The headers every answer has (Api-Version...), then the end.
	var extra strings.Builder
	_ = w.Header().Write(&extra)
	if _, err := io.WriteString(conn, head+extra.String()+"\r\n"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("answer the stream's request: %w", err)
	}
	h := &hijacked{conn: conn, in: brw.Reader, gone: make(chan struct{}), done: make(chan struct{})}
	go h.watch()
	return h, nil
}

// close ends the stream: the connection, and its watcher.
func (h *hijacked) close() {
	select {
	case <-h.done:
	default:
		close(h.done)
	}
	h.conn.Close()
}

func (h *hijacked) hangUp() { h.goneOnce.Do(func() { close(h.gone) }) }

// hangupEvery is how often watch looks at the connection.
const hangupEvery = 100 * time.Millisecond

// watch closes gone once the client has closed its end. A read cannot
// tell, since the stream's reader owns the input and a half-close (the
// client's input ended; it still reads our output) reads as EOF too: a
// unix socket whose peer has closed both ways polls as POLLHUP. Over
// TCP (with TLS) a peer's close polls as a half-close does, so there a
// failed write alone tells it.
func (h *hijacked) watch() {
	conn := h.conn
	if t, ok := conn.(interface{ NetConn() net.Conn }); ok {
		conn = t.NetConn() // TLS's: the socket under it
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	tick := time.NewTicker(hangupEvery)
	defer tick.Stop()
	for {
		select {
		case <-h.done:
			return
		case <-h.gone:
			return
		case <-tick.C:
		}
		hup := false
		_ = raw.Control(func(fd uintptr) {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
			if n, err := unix.Poll(fds, 0); err == nil && n > 0 {
				hup = fds[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0
			}
		})
		if hup {
			h.hangUp()
			return
		}
	}
}

// errClientGone is what writes to a client that hung up fail with. It
// is not EPIPE: for the monitor's stream (monitor.Stream), EPIPE is a
// reader of "run | head" gone, and closes the container's output, where
// an API client that went away leaves the container as it is.
var errClientGone = errors.New("the client went away")

// Write sends p to the client; a failure marks the client gone.
func (h *hijacked) Write(p []byte) (int, error) {
	n, err := h.conn.Write(p)
	if err != nil {
		h.hangUp()
		return n, errClientGone
	}
	return n, nil
}

// outputs are the stdout and stderr writers of the stream: raw with a
// tty, stdcopy frames without; io.Discard for a stream not asked for.
func (h *hijacked) outputs(tty, stdout, stderr bool) (io.Writer, io.Writer) {
	var out, errOut io.Writer = h, h
	if !tty {
		out, errOut = &frameWriter{h, stdcopy.Stdout}, &frameWriter{h, stdcopy.Stderr}
	}
	if !stdout {
		out = io.Discard
	}
	if !stderr {
		errOut = io.Discard
	}
	return out, errOut
}
