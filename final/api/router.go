package api

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// The API versions served: the newest whose shapes the handlers give
// (docker 25's), and the oldest docker itself still accepts.
const (
	APIVersion    = "1.44"
	MinAPIVersion = "1.24"
)

// versionPrefix is the /v1.NN that a client puts before the path; a
// request without it is served at APIVersion, as docker does.
var versionPrefix = regexp.MustCompile(`^/v([0-9]+\.[0-9]+)(/.*)$`)

// Handler is the whole API: every route, behind the version check, the
// panic guard and the debug log.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.systemRoutes(mux)
	s.containerRoutes(mux)
	s.logsRoutes(mux)
	s.imageRoutes(mux)
	s.imageEndpoints(mux)
	s.attachRoutes(mux)
	s.execRoutes(mux)
	s.resourceRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("page not found"))
	})
	return logRequests(recoverPanics(versioned(mux)))
}

// versioned strips the /v1.NN prefix, refusing a version out of range
// with docker's words, and sets the headers docker sets on every answer.
func versioned(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Api-Version", APIVersion)
		h.Set("Docker-Experimental", "false")
		h.Set("Ostype", "linux")
		h.Set("Server", "mydocker (linux)")
		if m := versionPrefix.FindStringSubmatch(r.URL.Path); m != nil {
			if err := checkVersion(m[1]); err != nil {
				writeError(w, err)
				return
			}
			r.URL.Path = m[2]
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}

// checkVersion refuses a client's version outside [MinAPIVersion, APIVersion].
func checkVersion(v string) error {
	switch {
	case versionLess(v, MinAPIVersion):
		return badRequest("client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version", v, MinAPIVersion)
	case versionLess(APIVersion, v):
		return badRequest("client version %s is too new. Maximum supported API version is %s", v, APIVersion)
	}
	return nil
}

// versionLess compares two MAJOR.MINOR versions as numbers (1.9 < 1.24).
func versionLess(a, b string) bool {
	amaj, amin := splitVersion(a)
	bmaj, bmin := splitVersion(b)
	return amaj < bmaj || (amaj == bmaj && amin < bmin)
}

func splitVersion(v string) (int, int) {
	major, minor, _ := strings.Cut(v, ".")
	ma, _ := strconv.Atoi(major)
	mi, _ := strconv.Atoi(minor)
	return ma, mi
}

// recoverPanics turns a handler's panic into a 500: a bad request must
// never take the server, and the containers' clients, down.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v) // net/http's own way to drop a connection
				}
				logrus.WithField("panic", v).Errorf("%s %s: %s", r.Method, r.URL.Path, debug.Stack())
				writeError(w, fmt.Errorf("internal error: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logRequests logs every request at debug level, with its status and time.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// A stream (events, logs -f, attach) is logged as it begins too:
		// its end may be long after.
		logrus.WithFields(logrus.Fields{"method": r.Method, "uri": r.URL.RequestURI()}).Debug("api request begins")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		logrus.WithFields(logrus.Fields{
			"method": r.Method, "uri": r.URL.RequestURI(), "status": rec.status,
			"duration": time.Since(start).Round(time.Microsecond),
		}).Debug("api request")
	})
}

// statusRecorder remembers the status a handler wrote, for the log; it
// keeps Flush, which the streaming handlers need.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (hijack).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack is for x/net/websocket, which asks the writer itself.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

// logEntry is a log line's fields for the request r.
func logEntry(r *http.Request) *logrus.Entry {
	return logrus.WithFields(logrus.Fields{"method": r.Method, "uri": r.URL.RequestURI()})
}
