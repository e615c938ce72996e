package api

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// listenFDsStart is the first descriptor systemd passes (SD_LISTEN_FDS_START).
const listenFDsStart = 3

// listenActivated takes the socket that systemd opened and passed
// (socket activation, mydocker.socket): LISTEN_PID names this process and
// LISTEN_FDS counts the descriptors from 3 on. name, fd://NAME, picks one
// by its FileDescriptorName (LISTEN_FDNAMES); none, the first. The
// variables are unset after, so that nothing the server starts takes
// them for its own.
func listenActivated(name string) (net.Listener, error) {
	defer func() {
		for _, v := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
			os.Unsetenv(v)
		}
	}()
	pid, err := strconv.Atoi(os.Getenv("LISTEN_PID"))
	if err != nil || pid != os.Getpid() {
		return nil, fmt.Errorf("--host fd://: no socket was passed to this process (LISTEN_PID is %q): start it through mydocker.socket, or listen on unix:///path.sock", os.Getenv("LISTEN_PID"))
	}
	n, err := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("--host fd://: LISTEN_FDS is %q: no socket was passed", os.Getenv("LISTEN_FDS"))
	}
	names := strings.Split(os.Getenv("LISTEN_FDNAMES"), ":")
	for i := range n {
		fd := listenFDsStart + i
		// None of them is for the containers' processes.
		syscall.CloseOnExec(fd)
		if name != "" && (i >= len(names) || names[i] != name) {
			continue
		}
		f := os.NewFile(uintptr(fd), "listen-fd-"+strconv.Itoa(fd))
		l, err := net.FileListener(f)
		f.Close() // FileListener holds a duplicate
		if err != nil {
			return nil, fmt.Errorf("--host fd://%s: descriptor %d: %w", name, fd, err)
		}
		return l, nil
	}
	return nil, fmt.Errorf("--host fd://%s: no passed socket is named so (LISTEN_FDNAMES is %q)", name, os.Getenv("LISTEN_FDNAMES"))
}
