// Package smallfile reads a small file in three system calls.
//
// os.ReadFile takes about eight for a small file: open, fstat (for the
// size), the poller's fcntl and epoll_ctl (it tries to add every file to
// the netpoller), two reads (the second to see EOF) and close. ps and
// every command's reconcile read two small files per container
// (config.json, /proc/PID/stat), and on a virtual machine each system call
// costs microseconds: with 1,000 containers those were most of ps's time.
package smallfile

import (
	"bytes"
	"errors"
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// chunk is read at once: every config.json and /proc/PID/stat fits. The
// buffer is reused (a 64 KiB allocation per file made ps spend a tenth of
// its time clearing and collecting them); what was read is copied out.
const chunk = 64 << 10

var buffers = sync.Pool{New: func() any { b := make([]byte, chunk); return &b }}

// Read returns the contents of the file at path. A read that returns less
// than was asked for is taken as the end of the file, which holds for
// regular files and for /proc/PID/stat (the kernel formats it whole into
// the buffer); a file that fills the buffer is read on to its end.
func Read(path string) ([]byte, error) {
	fd, err := open(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	pooled := buffers.Get().(*[]byte)
	defer buffers.Put(pooled)
	buf, n := *pooled, 0
	for {
		m, err := unix.Read(fd, buf[n:])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		n += m
		if n < len(buf) {
			return bytes.Clone(buf[:n:n]), nil
		}
		// Full: on into a buffer of this file's own.
		buf = append(buf[:n:n], make([]byte, chunk)...)
	}
}

func open(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if !errors.Is(err, unix.EINTR) {
			return fd, err
		}
	}
}
