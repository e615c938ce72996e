package container

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/state"
)

// LogEntry is one line of a container's log, in docker's json-file shape:
// {"log":"hello\n","stream":"stdout","time":"2026-12-01T13:00:00.123456789Z"}.
// Keeping each line's stream and time is what makes logs -t and --tail
// exact, and lets logs put stderr back on stderr. The monitor writes it
// (package monitor), Logs reads it.
type LogEntry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// LogOptions caps a container's log (--log-opt max-size, max-file): once
// the file would grow past MaxSize it is rotated, and the oldest of
// MaxFiles files is dropped, so a chatty container never fills the disk.
// The defaults are those of docker's "local" log driver.
type LogOptions struct {
	MaxSize  int64 `json:"maxSize"`
	MaxFiles int   `json:"maxFiles"`
}

// DefaultLogOptions keeps at most 5 files of 20 MB.
var DefaultLogOptions = LogOptions{MaxSize: 20 << 20, MaxFiles: 5}

// followInterval is how often logs -f looks for new lines.
const followInterval = 100 * time.Millisecond

// TimestampFormat is how logs -t prints a line's time: RFC 3339 with
// nanoseconds always nine digits, as docker's, so that times line up.
const TimestampFormat = "2006-01-02T15:04:05.000000000Z07:00"

// LogsOptions is what logs is asked: -f, --tail N (-1 for all), -t.
type LogsOptions struct {
	Follow     bool
	Tail       int
	Timestamps bool
	// Since and Until keep the lines written in that time (--since,
	// --until), when not zero: of the last --tail lines, as docker.
	Since, Until time.Time
	// Done, when closed, ends a Follow early: the API server's client
	// has hung up, and nobody reads what would follow.
	Done <-chan struct{}
}

// keeps reports whether the entry e was written within o's times.
func (o LogsOptions) keeps(e LogEntry) bool {
	return (o.Since.IsZero() || !e.Time.Before(o.Since)) && (o.Until.IsZero() || !e.Time.After(o.Until))
}

// Logs prints a container's log (book 5.3): each line on the stream it
// was written to, stdout or stderr, as docker logs does. The log is JSON
// lines (see LogEntry), over the files that rotation keeps, oldest first.
func Logs(st *state.Container, stdout, stderr io.Writer, o LogsOptions) error {
	print := func(e LogEntry) {
		if !o.keeps(e) {
			return
		}
		w := stdout
		if e.Stream == "stderr" {
			w = stderr
		}
		if o.Timestamps {
			fmt.Fprint(w, e.Time.Format(TimestampFormat), " ")
		}
		fmt.Fprint(w, e.Log)
	}
	if o.Tail >= 0 {
		entries, err := lastEntries(st.LogPath(), o.Tail)
		if err != nil {
			return err
		}
		for _, e := range entries {
			print(e)
		}
	} else if err := eachEntry(logFiles(st.LogPath()), print); err != nil {
		return err
	}
	// Lines past --until will never come: there is nothing to follow.
	if !o.Follow || (!o.Until.IsZero() && o.Until.Before(time.Now())) {
		return nil
	}
	return follow(st, print, o.Done)
}

// logFiles lists the files of the log, oldest first, but for the one being
// written, which follow reads on.
func logFiles(path string) []string {
	matches, _ := filepath.Glob(path + ".*")
	n := func(p string) int { i, _ := strconv.Atoi(strings.TrimPrefix(p, path+".")); return i }
	sort.Slice(matches, func(a, b int) bool { return n(matches[a]) > n(matches[b]) })
	return append(matches, path)
}

// eachEntry calls fn for every entry of the files, in order.
func eachEntry(files []string, fn func(LogEntry)) error {
	for _, path := range files {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // rotated away meanwhile, or nothing written yet
		}
		if err != nil {
			return fmt.Errorf("read the log: %w", err)
		}
		_, err = readEntries(bufio.NewReader(f), fn)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// readEntries reads the complete lines of r, and returns a last line that
// is not complete yet (being written).
func readEntries(r *bufio.Reader, fn func(LogEntry)) ([]byte, error) {
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			return line, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read the log: %w", err)
		}
		var e LogEntry
		if json.Unmarshal(line, &e) == nil {
			fn(e)
		}
	}
}

// lastEntries is the last n entries of the log.
func lastEntries(path string, n int) ([]LogEntry, error) {
	var ring []LogEntry
	err := eachEntry(logFiles(path), func(e LogEntry) {
		if n == 0 {
			return
		}
		if len(ring) == n {
			ring = ring[1:]
		}
		ring = append(ring, e)
	})
	return ring, err
}

// follow prints what the container writes from now on, until it is not
// running any more, or until done is closed. A rotation shows as a new file at the log's path: the
// old one is read to its end first.
func follow(st *state.Container, print func(LogEntry), done <-chan struct{}) error {
	path := st.LogPath()
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("read the log: %w", err)
	}
	defer func() { f.Close() }()
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		return err
	}
	r := bufio.NewReader(f)
	var line []byte // read so far of a line being written
	for {
		running := st.Running()
		for {
			more, err := r.ReadBytes('\n')
			line = append(line, more...)
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("read the log: %w", err)
			}
			var e LogEntry
			if json.Unmarshal(line, &e) == nil {
				print(e)
			}
			line = nil
		}
		if rotated(f, path) {
			f.Close()
			if f, err = os.Open(path); err != nil {
				return fmt.Errorf("read the log: %w", err)
			}
			r, line = bufio.NewReader(f), nil
			continue
		}
		if !running {
			return nil
		}
		select {
		case <-done:
			return nil
		case <-time.After(followInterval):
		}
		now, err := (state.Store{Root: st.Root()}).Find(st.ID)
		if err != nil {
			return nil // removed
		}
		st = now
	}
}

// rotated reports whether path is no longer the file f has open.
func rotated(f *os.File, path string) bool {
	open, err1 := f.Stat()
	now, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && !os.SameFile(open, now)
}
