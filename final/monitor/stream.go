package monitor

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
)

// The attach stream: what a container's monitor and a client attached to
// it (run without -d, start -a, attach) say to each other over a unix
// socket. Every message is a frame: one byte saying what it is, four bytes
// of length (big-endian), then the payload. One socket carries the
// container's stdout and stderr apart, its exit status and, the other
// way, stdin, the terminal's size and signals: docker multiplexes its
// attach stream the same way.
const (
	frameStdout byte = 'o' // monitor → client: output on stdout (or the tty)
	frameStderr byte = 'e' // monitor → client: output on stderr
	frameExit   byte = 'x' // monitor → client: the exit status, in decimal
	frameStdin  byte = 'i' // client → monitor: input
	frameEOF    byte = 'c' // client → monitor: the input has ended
	frameResize byte = 'w' // client → monitor: rows and columns, 2 bytes each
	frameSignal byte = 's' // client → monitor: a signal number, in decimal
	frameGone   byte = 'g' // client → monitor: what reads our output went away
)

// maxFrame bounds a frame's payload, so that a bad peer cannot make us
// allocate without end.
const maxFrame = 1 << 20

func writeFrame(w io.Writer, kind byte, payload []byte) error {
	var head [5]byte
	head[0] = kind
	binary.BigEndian.PutUint32(head[1:], uint32(len(payload)))
	// One write, so that frames of two goroutines never interleave.
	_, err := w.Write(append(head[:], payload...))
	return err
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("attach stream: a frame of %d bytes", n)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return head[0], payload, nil
}

func numberFrame(w io.Writer, kind byte, n int) error {
	return writeFrame(w, kind, []byte(strconv.Itoa(n)))
}

func resizeFrame(w io.Writer, rows, cols uint16) error {
	var p [4]byte
	binary.BigEndian.PutUint16(p[:2], rows)
	binary.BigEndian.PutUint16(p[2:], cols)
	return writeFrame(w, frameResize, p[:])
}
