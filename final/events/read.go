package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"
)

// pollEvery is how often a follower looks for new lines.
const pollEvery = 100 * time.Millisecond

// Read calls fn for each event of root's log from since (the zero time:
// from the start) to until, in order. With follow, it then waits for
// more, until until has passed (never, when it is zero) or ctx ends.
func Read(ctx context.Context, root string, since, until time.Time, follow bool, fn func(Event)) error {
	emit := func(e Event) {
		t := time.Unix(0, e.TimeNano)
		if (since.IsZero() || !t.Before(since)) && (until.IsZero() || !t.After(until)) {
			fn(e)
		}
	}
	if f, err := os.Open(oldPath(root)); err == nil {
		err := (&tail{f: f}).read(emit)
		f.Close()
		if err != nil {
			return err
		}
	}
	f, err := openLog(root)
	if err != nil {
		return err
	}
	t := &tail{f: f}
	defer func() { t.f.Close() }()
	for {
		if err := t.read(emit); err != nil {
			return err
		}
		if !follow || (!until.IsZero() && time.Now().After(until)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pollEvery):
		}
		if rotated(root, t.f) {
			// What the old file got last is read, then the new one.
			if err := t.read(emit); err != nil {
				return err
			}
			t.f.Close()
			f, err := openLog(root)
			if err != nil {
				return err
			}
			t = &tail{f: f}
		}
	}
}

// rotated: the log's path is another file than f now.
func rotated(root string, f *os.File) bool {
	now, err := os.Stat(logPath(root))
	if err != nil {
		return false
	}
	info, err := f.Stat()
	return err == nil && !os.SameFile(now, info)
}

// openLog opens the log, made empty when there is none yet, so that a
// follower sees the first event.
func openLog(root string) (*os.File, error) {
	f, err := os.Open(logPath(root))
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return nil, err
		}
		if c, err := os.OpenFile(logPath(root), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
			c.Close()
		}
		f, err = os.Open(logPath(root))
	}
	return f, err
}

// tail reads a file that grows: whole lines, keeping a line still being
// written for the next read.
type tail struct {
	f       *os.File
	pending []byte
}

func (t *tail) read(fn func(Event)) error {
	buf := make([]byte, 64<<10)
	for {
		n, err := t.f.Read(buf)
		t.pending = append(t.pending, buf[:n]...)
		for {
			i := bytes.IndexByte(t.pending, '\n')
			if i < 0 {
				break
			}
			var e Event
			if json.Unmarshal(t.pending[:i], &e) == nil {
				fn(e)
			}
			t.pending = t.pending[i+1:]
		}
		if errors.Is(err, io.EOF) || n == 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
