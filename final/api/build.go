package api

import (
	"encoding/json"
	"errors"
	"net/http"

	buildtypes "github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"

	"github.com/mydocker/mydocker/final/build"
	mdimage "github.com/mydocker/mydocker/final/image"
)

// build is docker build's request with the classic builder
// (DOCKER_BUILDKIT=0): the body is the context's tar, the query the
// flags, and the answer docker's JSON stream: the build's lines as
// {"stream": …}, the image's ID as aux, then "Successfully built" and
// "Successfully tagged" lines. The lines are in the classic builder's
// form ("Step 1/3 : FROM busybox", " ---> Using cache", a RUN's output).
func (s *Server) build(w http.ResponseWriter, r *http.Request) {
	opts, err := s.buildOptions(r)
	if err != nil {
		writeError(w, err)
		return
	}
	out := newStream(w)
	quiet := boolQuery(r, "q")
	if !quiet {
		opts.Progress = streamWriter{s: out}
	}
	pulls := &progress{s: out, verb: "Downloading", done: "Pull complete"}
	var img *mdimage.Image
	s.withLeases(func() {
		img, err = s.Hooks.Build(r.Context(), opts, r.Body, r.URL.Query().Get("dockerfile"), pulls)
	})
	if err != nil {
		out.finish(buildError(err))
		return
	}
	aux, _ := json.Marshal(buildtypes.Result{ID: img.ID})
	raw := json.RawMessage(aux)
	out.send(jsonstream.Message{Aux: &raw})
	if quiet {
		out.say(img.ID) // what docker build -q prints, as docker's daemon sends it
	} else {
		out.say("Successfully built " + img.ShortID())
		for _, t := range opts.Tags {
			if ref, err := mdimage.ParseRef(t); err == nil {
				out.say("Successfully tagged " + ref.Familiar())
			}
		}
	}
	out.finish(nil)
}

// buildOptions reads the query: t (repeated), buildargs and labels
// (JSON), target, nocache, pull, networkmode. rm and forcerm are taken:
// a step's container always goes, as with forcerm. A remote context and
// BuildKit's session (version=2) are refused.
func (s *Server) buildOptions(r *http.Request) (build.Options, error) {
	q := r.URL.Query()
	opts := build.Options{Root: s.Root, Tags: q["t"], Target: q.Get("target"), Classic: true,
		NoCache: boolQuery(r, "nocache"), Pull: boolQuery(r, "pull"), Network: q.Get("networkmode")}
	switch {
	case q.Get("remote") != "":
		return opts, badRequest("remote build contexts are not supported: send the context as the body")
	case q.Get("version") == string(buildtypes.BuilderBuildKit):
		return opts, badRequest("BuildKit is not supported: mydocker has the classic builder's API only (DOCKER_BUILDKIT=0)")
	}
	switch opts.Network {
	case "", "default":
		opts.Network = "bridge"
	case "bridge", "host", "none":
	default:
		return opts, badRequest("network mode %q not supported: want bridge, host or none", opts.Network)
	}
	for _, t := range opts.Tags {
		if _, err := mdimage.ParseRef(t); err != nil {
			return opts, badRequest("invalid tag %q: %v", t, err)
		}
	}
	var args map[string]*string
	if err := decodeQueryJSON(r, "buildargs", &args); err != nil {
		return opts, err
	}
	opts.BuildArgs = map[string]string{}
	for k, v := range args {
		if v != nil { // a bare --build-arg K that the client had no value of
			opts.BuildArgs[k] = *v
		}
	}
	err := decodeQueryJSON(r, "labels", &opts.Labels)
	return opts, err
}

// buildError is a failed build's error line: a RUN that exited non-zero
// carries its code, which docker build exits with.
func buildError(err error) error {
	var step *build.StepFailed
	if errors.As(err, &step) {
		return &codedError{err: err, code: step.ExitCode}
	}
	return err
}

// codedError is an error whose stream line carries a code.
type codedError struct {
	err  error
	code int
}

func (e *codedError) Error() string { return e.err.Error() }

// streamWriter sends what the build writes as {"stream": …} lines, a
// write each, as docker's daemon does: the build's progress writes whole
// lines.
type streamWriter struct{ s *stream }

func (w streamWriter) Write(p []byte) (int, error) {
	w.s.send(jsonstream.Message{Stream: string(p)})
	return len(p), nil
}

// withLeases runs f alone among the requests that take leases on the
// images' layers (create's too, createLocked), and ends this process's
// leases after it: what f recorded is the images' now, and what it left
// is garbage for the next collect. (The server lives on: leases kept
// until it exits would keep every layer an rmi frees.)
func (s *Server) withLeases(f func()) {
	s.createMu.Lock()
	defer s.createMu.Unlock()
	defer mdimage.ReleaseLeases()
	f()
}
