package monitor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/terminal"
	"github.com/mydocker/mydocker/final/state"
)

// hub is the monitor's side of a container's stdio, for all its runs: it
// copies the command's output into the log and to every client attached
// (run without -d, start -a, attach), and passes on what clients send:
// input, the terminal's size, signals. A client that goes away (a CLI
// killed with kill -9) is dropped and the container goes on; its output
// is still logged.
type hub struct {
	mu       sync.Mutex
	clients  map[*client]bool
	log      *logFile
	signals  chan<- os.Signal
	console  *console // this run's stdio; nil between runs
	size     [2]uint16
	listener *net.UnixListener
	socket   string // the listener's path, to remove when we are done
}

// client is one attached connection. first is the one the container was
// run with: the end of its input ends the container's (docker's
// StdinOnce), where an attach that ends its input only stops sending.
type client struct {
	conn  net.Conn
	first bool
}

func newHub(signals chan<- os.Signal, size [2]uint16) *hub {
	return &hub{clients: map[*client]bool{}, signals: signals, size: size}
}

// Prepare opens the container's log and its attach socket, once its
// directory exists.
func (h *hub) Prepare(st *state.Container, opts container.LogOptions) error {
	if h.log == nil {
		l, err := openLogFile(st.LogPath(), opts)
		if err != nil {
			return err
		}
		h.log = l
	}
	if h.listener == nil {
		if err := h.listen(st); err != nil {
			return fmt.Errorf("open the attach socket: %w", err)
		}
	}
	return nil
}

// attachSocket is the name of the socket that attach connects to, in the
// container's directory.
const attachSocket = "attach.sock"

// listen opens the container's attach socket. The path goes through
// /proc/self/fd of the directory, so it fits the 108 bytes of a unix
// socket's address however deep the state root is.
func (h *hub) listen(st *state.Container) error {
	dir, err := unix.Open(st.Dir(), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dir)
	path := "/proc/self/fd/" + strconv.Itoa(dir) + "/" + attachSocket
	_ = os.Remove(path) // left by a monitor that was killed
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return err
	}
	l.SetUnlinkOnClose(false) // the fd in the path is gone by then
	h.listener, h.socket = l, filepath.Join(st.Dir(), attachSocket)
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			h.add(conn, false)
		}
	}()
	return nil
}

// add attaches conn and starts reading what it sends.
func (h *hub) add(conn net.Conn, first bool) {
	c := &client{conn: conn, first: first}
	h.mu.Lock()
	h.clients[c] = true
	h.mu.Unlock()
	go h.read(c)
}

func (h *hub) drop(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	c.conn.Close()
}

// read passes on what a client sends until it goes away.
func (h *hub) read(c *client) {
	defer h.drop(c)
	for {
		kind, payload, err := readFrame(c.conn)
		if err != nil {
			return
		}
		switch kind {
		case frameStdin:
			h.input(payload)
		case frameEOF:
			if c.first {
				h.closeInput()
			}
		case frameResize:
			if len(payload) == 4 {
				h.resize(binary.BigEndian.Uint16(payload[:2]), binary.BigEndian.Uint16(payload[2:]))
			}
		case frameGone:
			if c.first {
				h.closeOutput()
			}
		case frameSignal:
			if n, err := strconv.Atoi(string(payload)); err == nil && n > 0 && n < 65 {
				h.signals <- syscall.Signal(n)
			}
		}
	}
}

// output is what the command wrote on stream: logged, and sent to every
// client. A client that cannot take it is dropped.
func (h *hub) output(stream string, p []byte) {
	if h.log != nil {
		h.log.write(stream, p)
	}
	kind := frameStdout
	if stream == "stderr" {
		kind = frameStderr
	}
	for _, c := range h.attached() {
		if writeFrame(c.conn, kind, p) != nil {
			h.drop(c)
		}
	}
}

// exited tells every client the exit status and lets them go: the
// container is torn down (and removed, with --rm) by then.
func (h *hub) exited(status int) {
	for _, c := range h.attached() {
		_ = numberFrame(c.conn, frameExit, status)
		h.drop(c)
	}
}

func (h *hub) attached() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		list = append(list, c)
	}
	return list
}

func (h *hub) input(p []byte) {
	h.mu.Lock()
	con := h.console
	h.mu.Unlock()
	if con != nil {
		con.write(p)
	}
}

func (h *hub) closeInput() {
	h.mu.Lock()
	con := h.console
	h.mu.Unlock()
	if con != nil {
		con.closeInput()
	}
}

// closeOutput closes our ends of the command's output pipes: the reader
// of the run's own output is gone, and the command sees that (EPIPE) as it
// would in a shell pipeline. Its output is no longer logged.
func (h *hub) closeOutput() {
	h.mu.Lock()
	con := h.console
	h.mu.Unlock()
	if con != nil {
		con.closeOutput()
	}
}

func (h *hub) resize(rows, cols uint16) {
	h.mu.Lock()
	h.size = [2]uint16{rows, cols}
	con := h.console
	h.mu.Unlock()
	if con != nil && con.master != nil && rows > 0 && cols > 0 {
		if err := terminal.SetSize(con.master, rows, cols); err != nil {
			logrus.WithError(err).Debug("resize the terminal")
		}
	}
}

// consoleSize is the terminal size a new run's terminal starts with.
func (h *hub) consoleSize() [2]uint16 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.size
}

// flush logs what is left of lines the command did not end.
func (h *hub) flush() {
	if h.log != nil {
		h.log.flush()
	}
}

// Console makes a run's stdio as opts ask, which input goes to from this
// run on.
func (h *hub) Console(opts container.RunOptions) (container.Console, error) {
	con, err := newConsole(opts, h)
	if err != nil {
		return nil, err
	}
	h.use(con)
	return con, nil
}

// The hub is what a run needs of its monitor, its console a run's stdio.
var (
	_ container.Monitor = (*hub)(nil)
	_ container.Console = (*console)(nil)
)

// JoinCgroup moves us, the container id's monitor, into a cgroup of our
// own (see joinMonitorCgroup).
func (h *hub) JoinCgroup(id string) { joinMonitorCgroup(id) }

// use makes con the stdio that input goes to, from this run on.
func (h *hub) use(con *console) {
	h.mu.Lock()
	h.console = con
	h.mu.Unlock()
}

// close ends the hub: the monitor is done with the container.
func (h *hub) close() {
	if h.listener != nil {
		_ = h.listener.Close()
		_ = os.Remove(h.socket) // nobody answers there any more
	}
	for _, c := range h.attached() {
		h.drop(c)
	}
	if h.log != nil {
		h.log.close()
	}
}

// errNoMaster is init's answer when it could not make the terminal: it
// closes the console socket without sending one, and says why on the
// status pipe.
var errNoMaster = errors.New("init sent no terminal")
