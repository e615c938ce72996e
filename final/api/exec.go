package api

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/moby/moby/api/types/container"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/enter"
	"github.com/mydocker/mydocker/final/state"
)

func (s *Server) execRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /containers/{id}/exec", s.execCreate)
	mux.HandleFunc("POST /exec/{id}/start", s.execStart)
	mux.HandleFunc("GET /exec/{id}/json", s.execInspect)
	mux.HandleFunc("POST /exec/{id}/resize", s.execResize)
}

// execCreate makes an exec instance of a running container: 201 and its
// ID. Nothing runs until exec start.
func (s *Server) execCreate(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req container.ExecCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if err := checkExec(st, req); err != nil {
		writeError(w, err)
		return
	}
	x := &execInstance{id: state.NewID(), containerID: st.ID, req: req, resize: make(chan [2]uint16, 1)}
	s.execs.add(x)
	writeJSON(w, http.StatusCreated, container.ExecCreateResponse{ID: x.id})
}

// checkExec refuses what docker refuses before an exec runs.
func checkExec(st *state.Container, req container.ExecCreateRequest) error {
	switch {
	case len(req.Cmd) == 0:
		return badRequest("No exec command specified")
	case !st.Running():
		return conflict("container %s is not running", st.ID)
	case st.Paused():
		return conflict("Container %s is paused, unpause the container before exec", st.ID)
	case req.WorkingDir != "" && !strings.HasPrefix(req.WorkingDir, "/"):
		return badRequest("exec: the working directory %q is not an absolute path", req.WorkingDir)
	}
	_, err := parseDetachKeys(req.DetachKeys)
	return err
}

// execStart runs an exec instance, once: with Detach, it answers once the
// command runs; else on the hijacked connection, which carries its stdio
// until it exits, and its exit code is then for exec inspect. A client
// that hangs up kills the command.
func (s *Server) execStart(w http.ResponseWriter, r *http.Request) {
	x := s.execs.get(r.PathValue("id"))
	if x == nil {
		writeError(w, notFound("No such exec instance: %s", r.PathValue("id")))
		return
	}
	var req container.ExecStartRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	st, err := mdcontainer.FindReconciled(s.store(), x.containerID)
	if err == nil {
		err = checkExec(st, x.req)
	}
	if err == nil && !x.begin() {
		err = conflict("Error: Exec command %s is already running or has run", x.id)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	opts := x.options(req)
	if req.Detach {
		s.execDetached(w, st, x, opts)
		return
	}
	h, err := hijack(w, r, !x.req.Tty)
	if err != nil {
		x.finish(126)
		logEntry(r).WithError(err).Debug("api: exec start")
		return
	}
	defer h.close()
	opts.Stdin, opts.Cancel = h.in, h.gone
	opts.Stdout, opts.Stderr = h.outputs(x.req.Tty, x.req.AttachStdout, x.req.AttachStderr)
	status, err := enter.Exec(st, x.req.Cmd, opts)
	if err != nil {
		// The status went out: the error goes on the stream, as docker's.
		fmt.Fprintf(opts.Stderr, "%v\r\n", err)
		status = 126
	}
	x.finish(status) // before the stream ends: the CLI inspects it then
}

// options are enter.Exec's for x, as exec's flags would make them. The
// command gets none of the server's own signals.
func (x *execInstance) options(req container.ExecStartRequest) enter.Options {
	opts := enter.Options{Interactive: x.req.AttachStdin, TTY: x.req.Tty, Workdir: x.req.WorkingDir,
		User: x.req.User, Privileged: x.req.Privileged, Resize: x.resize,
		Signals: make(chan os.Signal), Started: x.setPid}
	for _, e := range x.req.Env {
		if strings.Contains(e, "=") { // K alone would be the server's value
			opts.Env = append(opts.Env, e)
		}
	}
	size := req.ConsoleSize
	if size == nil {
		size = x.req.ConsoleSize
	}
	if size != nil {
		opts.Size = [2]uint16{uint16(size[0]), uint16(size[1])}
	}
	return opts
}

// execDetached runs exec -d: no stdio, and the answer (200) once the
// command runs. The server waits for it, for exec inspect's exit code.
func (s *Server) execDetached(w http.ResponseWriter, st *state.Container, x *execInstance, opts enter.Options) {
	opts.Interactive, opts.Stdout, opts.Stderr = false, io.Discard, io.Discard
	started, failed := make(chan struct{}), make(chan error, 1)
	opts.Started = func(pid int) { x.setPid(pid); close(started) }
	go func() {
		status, err := enter.Exec(st, x.req.Cmd, opts)
		if err != nil {
			status = 126
			failed <- err
		}
		x.finish(status)
	}()
	select {
	case <-started:
		w.WriteHeader(http.StatusOK)
	case err := <-failed:
		writeError(w, err)
	}
}

func (s *Server) execInspect(w http.ResponseWriter, r *http.Request) {
	x := s.execs.get(r.PathValue("id"))
	if x == nil {
		writeError(w, notFound("No such exec instance: %s", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, x.inspect())
}

// execResize sets the size of an exec's terminal: now if it runs, else
// when it starts (the CLI may ask before the command runs).
func (s *Server) execResize(w http.ResponseWriter, r *http.Request) {
	x := s.execs.get(r.PathValue("id"))
	if x == nil {
		writeError(w, notFound("No such exec instance: %s", r.PathValue("id")))
		return
	}
	rows, cols, err := sizeQuery(r)
	if err != nil {
		writeError(w, err)
		return
	}
	x.setSize([2]uint16{rows, cols})
	w.WriteHeader(http.StatusOK)
}
