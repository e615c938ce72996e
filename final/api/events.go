package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/mydocker/mydocker/final/events"
)

// eventsRoutes: docker events, and system df.
func (s *Server) eventsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET /system/df", s.diskUsage)
}

// events streams the events log, as docker events: from since (now
// without it) to until (for ever without it), one JSON object a line,
// each flushed as it comes, those that match the filters (events.Match,
// the CLI's). The log is the file every mydocker process appends to, so
// the API's events are the CLI's too.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	for key := range f {
		if !slices.Contains(events.FilterKeys, key) {
			writeError(w, badRequest("invalid filter '%s'", key))
			return
		}
	}
	since, err := unixTime(r.URL.Query().Get("since"))
	if err != nil {
		writeError(w, err)
		return
	}
	until, err := unixTime(r.URL.Query().Get("until"))
	if err != nil {
		writeError(w, err)
		return
	}
	if since.IsZero() {
		since = time.Now()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	err = events.Read(r.Context(), s.Root, since, until, true, func(e events.Event) {
		if events.Match(e, f) {
			writeBody(w, e)
			_ = rc.Flush()
		}
	})
	if err != nil {
		logEntry(r).WithError(err).Warn("events")
	}
}
