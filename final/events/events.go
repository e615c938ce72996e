// Package events is mydocker's events log: one JSON line for each change
// in the life of a container, an image, a network or a volume, appended
// to <root>/events.log by whichever mydocker process made the change, and
// read (and followed) by "mydocker events". docker keeps its events in
// its daemon's memory; with no daemon, ours are a file, and outlive the
// processes that wrote them.
package events

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// Event is one line of the log, with docker's JSON keys (docker events
// --format '{{json .}}').
type Event struct {
	Status   string `json:"status,omitempty"`
	ID       string `json:"id,omitempty"`
	From     string `json:"from,omitempty"`
	Type     string `json:"Type"`
	Action   string `json:"Action"`
	Actor    Actor  `json:"Actor"`
	Scope    string `json:"scope"`
	Time     int64  `json:"time"`
	TimeNano int64  `json:"timeNano"`
}

// Actor is what the event is of: its ID and what else names it.
type Actor struct {
	ID         string            `json:"ID"`
	Attributes map[string]string `json:"Attributes"`
}

// The types of what events are of, docker's words.
const (
	Container = "container"
	Image     = "image"
	Network   = "network"
	Volume    = "volume"
)

// maxSize is how large the log grows before it is rotated: the older
// half is kept as events.log.1, and read before it.
const maxSize = 8 << 20

func logPath(root string) string  { return filepath.Join(root, "events.log") }
func oldPath(root string) string  { return filepath.Join(root, "events.log.1") }
func lockPath(root string) string { return filepath.Join(root, "events.lock") }

// Log appends the event kind/action of actor id (with its attributes) to
// root's log. A log that cannot be written is said at debug level and
// costs the command nothing: the change it tells of is made.
func Log(root, kind, action, id string, attrs map[string]string) {
	if err := write(root, newEvent(kind, action, id, attrs, time.Now())); err != nil {
		logrus.WithError(err).Debug("write the events log")
	}
}

func newEvent(kind, action, id string, attrs map[string]string, now time.Time) Event {
	if attrs == nil {
		attrs = map[string]string{}
	}
	e := Event{Type: kind, Action: action, Actor: Actor{ID: id, Attributes: attrs}, Scope: "local",
		Time: now.Unix(), TimeNano: now.UnixNano()}
	if kind == Container {
		// docker's older keys, which scripts still read.
		e.Status, e.ID, e.From = action, id, attrs["image"]
	}
	return e
}

// write appends one line with O_APPEND: each write(2) lands whole at
// the end, whichever processes write at once.
func write(root string, e Event) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	f, err := os.OpenFile(logPath(root), os.O_WRONLY|os.O_APPEND|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return err
		}
		f, err = os.OpenFile(logPath(root), os.O_WRONLY|os.O_APPEND|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(line); err != nil {
		return err
	}
	if info, err := f.Stat(); err == nil && info.Size() > maxSize {
		rotate(root, info)
	}
	return nil
}

// rotate moves a full log aside, once, under the events' lock: whoever
// comes second finds the log already new.
func rotate(root string, full os.FileInfo) {
	lock, err := os.OpenFile(lockPath(root), os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return
	}
	defer lock.Close()
	if unix.Flock(int(lock.Fd()), unix.LOCK_EX) != nil {
		return
	}
	now, err := os.Stat(logPath(root))
	if err != nil || !os.SameFile(now, full) {
		return
	}
	_ = os.Rename(logPath(root), oldPath(root))
}
