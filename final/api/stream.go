package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/jsonstream"

	mdimage "github.com/mydocker/mydocker/final/image"
)

// stream is an answer of JSON lines, docker's jsonmessage stream (pull,
// push, load, build). Its 200 goes out with the first line: an error
// before any is answered as docker's daemon does, with its own status
// (a pull of what the registry does not have is a 404), and one after as
// an error line, which the CLI prints and exits 1 on.
type stream struct {
	w       http.ResponseWriter
	mu      sync.Mutex
	started bool
}

// message is a line of the stream: docker's, with the "error" string
// that clients older than jsonstream.Error read.
type message struct {
	jsonstream.Message
	ErrorMessage string `json:"error,omitempty"`
}

func newStream(w http.ResponseWriter) *stream { return &stream{w: w} }

// send writes one line, and flushes it: a client shows progress as it comes.
func (s *stream) send(m jsonstream.Message) {
	s.write(message{Message: m})
}

// say sends a line of build output or load's result ({"stream": …}).
func (s *stream) say(line string) {
	s.send(jsonstream.Message{Stream: line + "\n"})
}

func (s *stream) write(m message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.start()
	writeBody(s.w, m)
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *stream) start() {
	if !s.started {
		s.w.Header().Set("Content-Type", "application/json")
		s.w.WriteHeader(http.StatusOK)
		s.started = true
	}
}

// finish ends the stream: err as its status when nothing was sent yet,
// else as the last line.
func (s *stream) finish(err error) {
	s.mu.Lock()
	started := s.started
	if err == nil {
		s.start()
	}
	s.mu.Unlock()
	switch {
	case err == nil:
	case !started:
		writeError(s.w, err)
	default:
		detail := &jsonstream.Error{Message: err.Error()}
		var coded *codedError
		if errors.As(err, &coded) {
			detail.Code = coded.code
		}
		s.write(message{Message: jsonstream.Message{Error: detail}, ErrorMessage: err.Error()})
	}
}

// progress shows an image's pull, push or load on the stream, as
// docker's daemon does: a line per layer as it starts ("Pulling fs
// layer"), its bytes as they come (progressDetail, at most ten a second),
// its end ("Pull complete"), and the library's own lines as status
// lines ("Digest: …"), those that begin with an ID (a layer's, a tag's)
// with their "id".
type progress struct {
	s    *stream
	verb string // Downloading, Loading
	done string // Pull complete, Loading complete
}

func (p *progress) Say(format string, args ...any) {
	if rest, ok := strings.CutPrefix(format, "%s: "); ok && len(args) > 0 {
		p.s.send(jsonstream.Message{ID: fmt.Sprint(args[0]), Status: fmt.Sprintf(rest, args[1:]...)})
		return
	}
	p.s.send(jsonstream.Message{Status: fmt.Sprintf(format, args...)})
}

func (p *progress) Layer(digest string, size int64) mdimage.LayerProgress {
	id := shortDigest(digest)
	p.s.send(jsonstream.Message{ID: id, Status: "Pulling fs layer", Progress: &jsonstream.Progress{}})
	return &layerProgress{p: p, id: id, total: size}
}

func (p *progress) Wait() {}

// shortDigest is a digest's first 12 hex digits, as docker's layer IDs.
func shortDigest(digest string) string {
	hex := strings.TrimPrefix(digest, "sha256:")
	if len(hex) > 12 {
		hex = hex[:12]
	}
	return hex
}

type layerProgress struct {
	p              *progress
	id             string
	current, total int64
	sent           int64 // current, when last sent
	last           time.Time
}

func (l *layerProgress) Reader(r io.Reader) io.Reader { return &countingReader{r: r, l: l} }

func (l *layerProgress) Done(err error) {
	if err != nil {
		l.p.s.send(jsonstream.Message{ID: l.id, Status: "Failed: " + err.Error()})
		return
	}
	l.p.s.send(jsonstream.Message{ID: l.id, Status: l.p.done, Progress: &jsonstream.Progress{}})
}

// counted notes n more bytes, and sends where the layer is now and then.
func (l *layerProgress) counted(n int, eof bool) {
	l.current += int64(n)
	if l.current == l.sent || (!eof && time.Since(l.last) < 100*time.Millisecond) {
		return
	}
	l.last, l.sent = time.Now(), l.current
	l.p.s.send(jsonstream.Message{ID: l.id, Status: l.p.verb,
		Progress: &jsonstream.Progress{Current: l.current, Total: l.total}})
}

type countingReader struct {
	r io.Reader
	l *layerProgress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.l.counted(n, errors.Is(err, io.EOF))
	return n, err
}

// imageError gives the library's errors about images docker's statuses:
// 404 for an image that is not here or not in its registry, 409 for an
// rmi that needs force.
func imageError(err error) error {
	var missing *mdimage.NotFoundError
	var remote *mdimage.RemoteNotFoundError
	var conflicting *mdimage.ConflictError
	switch {
	case errors.As(err, &missing):
		return notFound("No such image: %s", missing.Name)
	case errors.As(err, &remote):
		return notFound("%s", err.Error())
	case errors.As(err, &conflicting):
		return conflict("%s", err.Error())
	}
	return err
}

// decodeQueryJSON reads a query parameter that holds JSON (buildargs,
// labels, filters); an empty one leaves v as it is.
func decodeQueryJSON(r *http.Request, key string, v any) error {
	raw := r.URL.Query().Get(key)
	if raw == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return badRequest("invalid %s: %v", key, err)
	}
	return nil
}
