package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// The messages between create and init, on a SOCK_SEQPACKET socket pair
// (one message per read, a descriptor beside it where there is one):
//
//	init → create: "hooks"   namespaces and mounts made: run prestart and
//	                         createRuntime hooks, then answer "resume";
//	init → create: "console" the pty master, with SCM_RIGHTS;
//	init → create: "ready"   all but the program done: waiting on the fifo;
//	init → create: "error"   it failed, Message says why.
type syncMsg struct {
	Type    string `json:"type"`
	Message string `json:"message,omitempty"`
}

const (
	msgHooks   = "hooks"
	msgResume  = "resume"
	msgConsole = "console"
	msgReady   = "ready"
	msgError   = "error"
)

func newSyncPair() (ours, theirs *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("make the sync socket: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "sync"), os.NewFile(uintptr(fds[1]), "sync-init"), nil
}

func sendMsg(sock *os.File, m syncMsg, fd int) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var oob []byte
	if fd >= 0 {
		oob = unix.UnixRights(fd)
	}
	return unix.Sendmsg(int(sock.Fd()), data, oob, nil, 0)
}

// recvMsg reads one message, and a descriptor that came with it (-1 if
// none). io.EOF: the other side closed (init died) before saying more.
func recvMsg(sock *os.File) (syncMsg, int, error) {
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return syncMsg{}, -1, err
	}
	if n == 0 {
		return syncMsg{}, -1, io.EOF
	}
	fd := -1
	if oobn > 0 {
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err == nil && len(msgs) > 0 {
			if fds, err := unix.ParseUnixRights(&msgs[0]); err == nil && len(fds) > 0 {
				fd = fds[0]
			}
		}
	}
	var m syncMsg
	if err := json.Unmarshal(buf[:n], &m); err != nil {
		return m, fd, fmt.Errorf("bad message from init: %w", err)
	}
	return m, fd, nil
}

// expect reads the next message and checks it is want.
func expect(sock *os.File, want string) error {
	m, _, err := recvMsg(sock)
	if err != nil {
		return err
	}
	if m.Type == msgError {
		return errors.New(m.Message)
	}
	if m.Type != want {
		return fmt.Errorf("init said %q, want %q", m.Type, want)
	}
	return nil
}

// sendConsole sends the pty master to the client's --console-socket, as
// runc does: the socket's peer (conmon, containerd's shim, recvtty) takes
// it with recvmsg and SCM_RIGHTS.
func sendConsole(socketPath string, master int) error {
	conn, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(conn)
	if err := unix.Connect(conn, &unix.SockaddrUnix{Name: socketPath}); err != nil {
		return fmt.Errorf("connect to the console socket %s: %w", socketPath, err)
	}
	if err := unix.Sendmsg(conn, []byte("/dev/ptmx"), unix.UnixRights(master), nil, 0); err != nil {
		return fmt.Errorf("send the console to %s: %w", socketPath, err)
	}
	return nil
}
