package api

import (
	"net/http"

	mdimage "github.com/mydocker/mydocker/final/image"
)

// saveImages is docker save's request for several images (names=…).
func (s *Server) saveImages(w http.ResponseWriter, r *http.Request) {
	names := r.URL.Query()["names"]
	if len(names) == 0 {
		writeError(w, badRequest("names is required: the images to save"))
		return
	}
	s.save(w, r, names)
}

// save answers a docker save tar of names (docker-archive, as save
// writes it). The 200 goes out with the tar's first bytes: an image that
// is not here is a 404 still.
func (s *Server) save(w http.ResponseWriter, r *http.Request, names []string) {
	tw := &tarWriter{w: w}
	if err := s.images().SaveTo(tw, names); err != nil {
		if !tw.started {
			writeError(w, imageError(err))
			return
		}
		// Too late for a status: the client sees a tar cut short.
		logEntry(r).WithError(err).Warn("api: save")
	}
}

// tarWriter sets the tar's header on its first write.
type tarWriter struct {
	w       http.ResponseWriter
	started bool
}

func (t *tarWriter) Write(p []byte) (int, error) {
	if !t.started {
		t.w.Header().Set("Content-Type", "application/x-tar")
		t.w.WriteHeader(http.StatusOK)
		t.started = true
	}
	return t.w.Write(p)
}

// loadImages is docker load's request: the body is the tar; the answer
// is a JSON stream of each layer's progress (none with quiet) and load's
// lines, "Loaded image: NAME".
func (s *Server) loadImages(w http.ResponseWriter, r *http.Request) {
	out := newStream(w)
	var p mdimage.Progress = &progress{s: out, verb: "Loading layer", done: "Loading complete"}
	if boolQuery(r, "quiet") {
		p = mdimage.Quiet{}
	}
	var lines []string
	var err error
	s.withLeases(func() { lines, err = s.images().LoadFrom(r.Context(), r.Body, p) })
	for _, line := range lines {
		out.say(line)
	}
	out.finish(err)
}
