package api

import (
	"encoding/binary"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"

	mdcontainer "github.com/mydocker/mydocker/final/container"
)

func (s *Server) logsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /containers/{id}/logs", s.logs)
}

// logs streams a container's log as docker's logs request: without a
// tty, each write in an 8-byte frame that says its stream (stdcopy);
// with one, raw, as the log has it all as stdout.
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	opts, err := logsOptions(r)
	if err != nil {
		writeError(w, err)
		return
	}
	opts.Done = r.Context().Done() // a client that hangs up ends -f
	out := &flushWriter{w: w, rc: http.NewResponseController(w)}
	var stdout, stderr io.Writer = out, out
	if st.TTY {
		w.Header().Set("Content-Type", "application/vnd.docker.raw-stream")
	} else {
		w.Header().Set("Content-Type", "application/vnd.docker.multiplexed-stream")
		stdout, stderr = &frameWriter{out, stdcopy.Stdout}, &frameWriter{out, stdcopy.Stderr}
	}
	if !boolQuery(r, "stdout") {
		stdout = io.Discard
	}
	if !boolQuery(r, "stderr") {
		stderr = io.Discard
	}
	w.WriteHeader(http.StatusOK)
	out.flush() // the client knows it is answered before the first line
	if err := mdcontainer.Logs(st, stdout, stderr, opts); err != nil {
		// The status went out: the stream just ends, as docker's does.
		logEntry(r).WithError(err).Debug("api: logs")
	}
}

// logsOptions reads follow, tail, timestamps, since and until.
func logsOptions(r *http.Request) (mdcontainer.LogsOptions, error) {
	q := r.URL.Query()
	opts := mdcontainer.LogsOptions{Follow: boolQuery(r, "follow"), Timestamps: boolQuery(r, "timestamps"), Tail: -1}
	if !boolQuery(r, "stdout") && !boolQuery(r, "stderr") {
		return opts, badRequest("Bad parameters: you must choose at least one stream")
	}
	if t := q.Get("tail"); t != "" && t != "all" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return opts, badRequest("invalid tail %q: want a number of lines, or all", t)
		}
		opts.Tail = n
	}
	var err error
	if opts.Since, err = unixTime(q.Get("since")); err == nil {
		opts.Until, err = unixTime(q.Get("until"))
	}
	return opts, err
}

// unixTime reads since and until as docker's client sends them: seconds
// since the epoch, with nanoseconds after a dot; "" and 0 are no limit.
func unixTime(v string) (time.Time, error) {
	if v == "" || v == "0" {
		return time.Time{}, nil
	}
	secs, nanos, _ := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	var nsec int64
	if err == nil && nanos != "" {
		nsec, err = strconv.ParseInt((nanos + "000000000")[:9], 10, 64)
	}
	if err != nil {
		return time.Time{}, badRequest("invalid time %q: want seconds since the epoch", v)
	}
	return time.Unix(sec, nsec), nil
}

// frameWriter writes each write as one frame of docker's multiplexed
// stream: a byte for the stream, three zeros, the length (big-endian
// uint32), then the bytes. The api module has the reader (stdcopy) only.
type frameWriter struct {
	w      io.Writer
	stream stdcopy.StdType
}

func (f *frameWriter) Write(p []byte) (int, error) {
	frame := make([]byte, 8, 8+len(p))
	frame[0] = byte(f.stream)
	binary.BigEndian.PutUint32(frame[4:], uint32(len(p)))
	if _, err := f.w.Write(append(frame, p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// flushWriter sends each write to the client at once: logs -f shows a
// line when the container writes it.
type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (f *flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	f.flush()
	return n, err
}

func (f *flushWriter) flush() { _ = f.rc.Flush() }
