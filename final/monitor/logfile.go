package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/mydocker/mydocker/final/container"
)

// maxLogLine is the longest line kept as one entry: a longer one is cut
// into entries of this size, as docker does at 16 KB.
const maxLogLine = 16 << 10

// logFile writes a container's output as JSON lines, rotating by size.
type logFile struct {
	mu      sync.Mutex
	path    string
	opts    container.LogOptions
	f       *os.File
	size    int64
	partial map[string][]byte // a line not ended yet, per stream
}

func openLogFile(path string, opts container.LogOptions) (*logFile, error) {
	if opts.MaxSize <= 0 || opts.MaxFiles <= 0 {
		opts = container.DefaultLogOptions
	}
	l := &logFile{path: path, opts: opts, partial: map[string][]byte{}}
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *logFile) open() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open the log: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open the log: %w", err)
	}
	l.f, l.size = f, info.Size()
	return nil
}

// write logs p, output of stream ("stdout" or "stderr"), line by line.
func (l *logFile) write(stream string, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	buf := append(l.partial[stream], p...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 && len(buf) < maxLogLine {
			break
		}
		n := i + 1
		if i < 0 || n > maxLogLine {
			n = maxLogLine
		}
		l.entry(stream, buf[:n])
		buf = buf[n:]
	}
	l.partial[stream] = append([]byte(nil), buf...)
}

// flush logs what is left of unfinished lines: the command has exited.
func (l *logFile) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, stream := range []string{"stdout", "stderr"} {
		if len(l.partial[stream]) > 0 {
			l.entry(stream, l.partial[stream])
			l.partial[stream] = nil
		}
	}
}

func (l *logFile) entry(stream string, line []byte) {
	data, err := json.Marshal(container.LogEntry{Log: string(line), Stream: stream, Time: time.Now().UTC()})
	if err != nil || l.f == nil {
		return
	}
	data = append(data, '\n')
	if l.size > 0 && l.size+int64(len(data)) > l.opts.MaxSize {
		l.rotate()
	}
	if l.f == nil {
		return
	}
	n, _ := l.f.Write(data)
	l.size += int64(n)
}

// rotate moves container.log to container.log.1, .1 to .2 and so on,
// dropping the oldest, and starts an empty container.log. logs -f notices
// the new file by its inode.
func (l *logFile) rotate() {
	l.f.Close()
	l.f = nil
	last := l.opts.MaxFiles - 1
	_ = os.Remove(rotatedLog(l.path, last))
	for i := last - 1; i >= 0; i-- {
		_ = os.Rename(rotatedLog(l.path, i), rotatedLog(l.path, i+1))
	}
	if last == 0 {
		_ = os.Remove(l.path)
	}
	_ = l.open()
}

func (l *logFile) close() {
	l.flush()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// rotatedLog is the path of the i-th file of the log: 0 is the one being
// written, 1 the one before it.
func rotatedLog(path string, i int) string {
	if i == 0 {
		return path
	}
	return path + "." + strconv.Itoa(i)
}
