package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/state"
)

// statusError is an error with the HTTP status docker answers it with.
type statusError struct {
	code int
	msg  string
}

func (e *statusError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &statusError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &statusError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &statusError{http.StatusConflict, fmt.Sprintf(format, args...)}
}

// statusOf is the status docker gives err: the statusError's own, or by
// the library's kinds of error, 500 for the rest.
func statusOf(err error) int {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return se.code
	case errors.Is(err, state.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, state.ErrNameInUse), errors.Is(err, state.ErrRunning), errors.Is(err, state.ErrNotRunning):
		return http.StatusConflict
	case errors.Is(err, state.ErrAmbiguous):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// writeError answers err as docker does: {"message": "..."} with its status.
func writeError(w http.ResponseWriter, err error) {
	code := statusOf(err)
	if code == http.StatusInternalServerError {
		logrus.WithError(err).Warn("api: request failed")
	}
	writeJSON(w, code, map[string]string{"message": err.Error()})
}

// writeJSON answers v as JSON with the status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	writeBody(w, v)
}

// decodeJSON reads a request's body into v: a body that is no JSON of
// that shape is the client's error, 400, never a panic.
func decodeJSON(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return unmarshalBody(body, v)
}

// maxBody is the most a JSON request may hold: a create's is a few
// kilobytes, and a client may not make the server hold gigabytes.
const maxBody = 16 << 20

// readBody reads a request's JSON body, refusing none and a huge one.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.ContentLength == 0 {
		return nil, badRequest("invalid JSON: the request has no body")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("read the request's body: %v", err)
	}
	if len(body) > maxBody {
		return nil, badRequest("invalid JSON: the body is over %d bytes", maxBody)
	}
	return body, nil
}

// unmarshalBody reads body into v: a body that is no JSON of that shape
// is the client's error, 400.
func unmarshalBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("invalid JSON: the request has no body")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("invalid JSON: %v", err)
	}
	return nil
}

// boolQuery reads a query's flag as docker's httputils.BoolValue does:
// anything but "", 0, no, false and none is true.
func boolQuery(r *http.Request, key string) bool {
	switch strings.ToLower(strings.TrimSpace(r.URL.Query().Get(key))) {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// writeBody writes v as JSON after the status went out already.
func writeBody(w http.ResponseWriter, v any) {
	if err := json.NewEncoder(w).Encode(v); err != nil {
		logrus.WithError(err).Debug("api: write the answer")
	}
}
