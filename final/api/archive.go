package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"

	"github.com/mydocker/mydocker/final/containerfs"
	"github.com/mydocker/mydocker/final/state"
)

// archiveRoutes: docker cp, both ways. The container's files are read
// and written by containerfs, as the CLI's cp: every path resolved inside
// the container's root through descriptors, so that a symlink of the
// container's never leads to the host's files (the server runs as root).
func (s *Server) archiveRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /containers/{id}/archive", s.getArchive) // and HEAD: the stat alone
	mux.HandleFunc("PUT /containers/{id}/archive", s.putArchive)
}

// getArchive answers what path is (X-Docker-Container-Path-Stat, base64
// JSON, as docker's) and, unless HEAD, a tar of it.
func (s *Server) getArchive(w http.ResponseWriter, r *http.Request) {
	st, p, err := s.archiveTarget(r)
	if err != nil {
		writeError(w, err)
		return
	}
	stat, err := containerfs.StatPath(s.store(), st, p)
	if err != nil {
		writeError(w, archiveError(err, p, st.Name))
		return
	}
	js, _ := json.Marshal(stat)
	w.Header().Set("X-Docker-Container-Path-Stat", base64.StdEncoding.EncodeToString(js))
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/x-tar")
	w.WriteHeader(http.StatusOK)
	// Once the tar has begun, an error can only cut it short: the
	// client's tar reader then fails, and the log says why.
	if err := containerfs.CopyOutTar(s.store(), st, p, w); err != nil {
		logEntry(r).WithError(err).Warn("archive")
	}
}

// putArchive unpacks the request's tar into the directory path, root's
// unless copyUIDGID, as docker cp SRC CONTAINER:DEST.
func (s *Server) putArchive(w http.ResponseWriter, r *http.Request) {
	st, p, err := s.archiveTarget(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := containerfs.CopyInTar(s.store(), st, r.Body, p, boolQuery(r, "copyUIDGID")); err != nil {
		writeError(w, archiveError(err, p, st.Name))
		return
	}
	w.WriteHeader(http.StatusOK)
}

// archiveTarget is the container and the path in it that an archive
// request names.
func (s *Server) archiveTarget(r *http.Request) (*state.Container, string, error) {
	st, err := s.find(r)
	if err != nil {
		return nil, "", err
	}
	p := r.URL.Query().Get("path")
	if p == "" {
		return nil, "", badRequest("path is required")
	}
	return st, p, nil
}

// archiveError is docker's 404 for a path that is not there; a path that
// is no directory for a PUT is the client's error, 400.
func archiveError(err error, p, name string) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return notFound("Could not find the file %s in container %s", p, name)
	case errors.Is(err, fs.ErrInvalid), statusOf(err) == http.StatusInternalServerError:
		return badRequest("%v", err)
	}
	return err
}
