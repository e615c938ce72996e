package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"golang.org/x/sys/unix"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/state"
)

// start runs a created or exited container with a monitor of its own, as
// the CLI's start: 204, or 304 when it runs already.
func (s *Server) start(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if st.Running() {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if err := s.startContainer(st); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// stop sends the stop signal (signal=, or the container's), then SIGKILL
// after t seconds (or its stop timeout): 204, or 304 when it is not running.
func (s *Server) stop(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	stop, err := stopRequest(r, st)
	if err != nil {
		writeError(w, err)
		return
	}
	if !st.Running() {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if err := mdcontainer.Stop(s.store(), st, stop.sig, stop.timeout); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// stopParams are how stop (and restart) stop a container.
type stopParams struct {
	sig     unix.Signal
	timeout time.Duration
}

// stopRequest reads signal= and t=, the container's own stop signal and
// timeout when they are not given.
func stopRequest(r *http.Request, st *state.Container) (stopParams, error) {
	sig, err := mdcontainer.StopSignal(st)
	if v := r.URL.Query().Get("signal"); v != "" && err == nil {
		sig, err = parseSignal(v)
	}
	timeout := mdcontainer.StopTimeout(st)
	if v := r.URL.Query().Get("t"); v != "" && err == nil {
		timeout, err = parseTimeout(v)
	}
	return stopParams{sig, timeout}, err
}

// kill sends signal= (KILL by default) to the container's PID 1.
func (s *Server) kill(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	sig := unix.SIGKILL
	if v := r.URL.Query().Get("signal"); v != "" {
		if sig, err = parseSignal(v); err != nil {
			writeError(w, err)
			return
		}
	}
	if !st.Running() {
		writeError(w, conflict("Container %s is not running", st.ID))
		return
	}
	if err := mdcontainer.Kill(s.store(), st, sig); err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// remove deletes a container: force=1 kills a running one first, v=1
// takes its anonymous volumes too.
func (s *Server) remove(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err == nil {
		err = mdcontainer.Remove(s.store(), st, boolQuery(r, "force"), boolQuery(r, "v"))
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// wait answers once the container is where condition says: not-running
// (the default), next-exit or removed. The status goes out at once and
// the body at the end, as docker's, so that a client knows it waits.
func (s *Server) wait(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	condition := container.WaitCondition(r.URL.Query().Get("condition"))
	switch condition {
	case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
	default:
		writeError(w, badRequest("invalid condition: %q", condition))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()
	resp := s.waitFor(r.Context(), st, condition)
	writeBody(w, resp)
}

func waitError(msg string) container.WaitResponse {
	return container.WaitResponse{StatusCode: -1, Error: &container.WaitExitError{Message: msg}}
}

// sleep waits d, or returns false as soon as ctx ends.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// parseSignal reads a signal's name or number, or answers 400.
func parseSignal(v string) (unix.Signal, error) {
	sig, err := signals.Parse(v)
	if err != nil {
		return 0, badRequest("%v", err)
	}
	return sig, nil
}

// parseTimeout reads stop's t: seconds, a negative number for ever.
func parseTimeout(v string) (time.Duration, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest("invalid value for t: %q: want a number of seconds", v)
	}
	if n < 0 {
		return -1, nil
	}
	return time.Duration(n) * time.Second, nil
}
