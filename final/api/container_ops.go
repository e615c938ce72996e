package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/containerfs"
	"github.com/mydocker/mydocker/final/observe"
	"github.com/mydocker/mydocker/final/state"
)

// containerOpsRoutes: top, rename, pause, unpause, update, changes and
// prune, each through the library call its CLI command makes.
func (s *Server) containerOpsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /containers/{id}/top", s.top)
	mux.HandleFunc("POST /containers/{id}/rename", s.rename)
	mux.HandleFunc("POST /containers/{id}/pause", s.pause)
	mux.HandleFunc("POST /containers/{id}/unpause", s.unpause)
	mux.HandleFunc("POST /containers/{id}/update", s.update)
	mux.HandleFunc("GET /containers/{id}/changes", s.changes)
	mux.HandleFunc("POST /containers/prune", s.pruneContainers)
}

// notRunning is docker's 409 for a request that needs the container to run.
func notRunning(st *state.Container) error {
	return conflict("Container %s is not running", st.ID)
}

// top is docker top: ps -ef's table, or the host's ps with ps_args.
func (s *Server) top(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if !st.Running() {
		writeError(w, notRunning(st))
		return
	}
	psArgs := r.URL.Query().Get("ps_args")
	if psArgs == "-ef" {
		psArgs = "" // docker's default: ps -ef's columns, read from /proc
	}
	titles, rows, err := observe.TopTable(st, psArgs)
	if err != nil {
		if errors.Is(err, state.ErrNotRunning) {
			err = notRunning(st)
		} else if psArgs != "" {
			err = badRequest("%v", err)
		}
		writeError(w, err)
		return
	}
	if rows == nil {
		rows = [][]string{}
	}
	writeJSON(w, http.StatusOK, container.TopResponse{Titles: titles, Processes: rows})
}

// rename is docker rename: 204; a name in use is 409.
func (s *Server) rename(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	name := strings.TrimPrefix(r.URL.Query().Get("name"), "/")
	if name == "" {
		writeError(w, badRequest("Neither old nor new names may be empty"))
		return
	}
	if err := mdcontainer.Rename(s.store(), st, name); err != nil {
		if errors.Is(err, state.ErrNameInUse) {
			err = conflict("Error when allocating new name: Conflict. The container name \"/%s\" is already in use. You have to remove (or rename) that container to be able to reuse that name.", name)
		} else if statusOf(err) == http.StatusInternalServerError {
			err = badRequest("%v", err)
		}
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pause is docker pause: 204; 409 when it does not run or is paused.
func (s *Server) pause(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := mdcontainer.Pause(s.store(), st); err != nil {
		writeError(w, conflictOr500(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// unpause is docker unpause, as the CLI's (a commit's abandoned freeze
// thawed first): 204; 409 when it is not paused.
func (s *Server) unpause(w http.ResponseWriter, r *http.Request) {
	if _, err := s.find(r); err != nil {
		writeError(w, err)
		return
	}
	if err := mdcontainer.UnpauseRef(s.store(), r.PathValue("id")); err != nil {
		writeError(w, conflictOr500(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// conflictOr500: a refusal for the container's state ("is not running",
// "is already paused", "is not paused") is docker's 409.
func conflictOr500(err error) error {
	if msg := err.Error(); strings.Contains(msg, " is not ") || strings.Contains(msg, " is already ") {
		return conflict("%s", msg)
	}
	return err
}

// update is docker update: the limits the CLI's update takes, with its
// checks (container.UpdateContainer); the rest of Resources is refused.
func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req container.UpdateConfig
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	u, err := updateOf(req)
	if err == nil {
		err = mdcontainer.UpdateContainer(s.store(), st, u)
		if err != nil && statusOf(err) == http.StatusInternalServerError {
			err = badRequest("Cannot update container %s: %v", st.ID, err)
		}
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, container.UpdateResponse{Warnings: []string{}})
}

// updateOf is the request as update's flags, read by the CLI's parser
// (container.ParseUpdate) with its checks. Zero is docker's "not given".
func updateOf(req container.UpdateConfig) (mdcontainer.Update, error) {
	f := mdcontainer.UpdateFlags{}
	res := req.Resources
	for name, n := range map[string]int64{"memory": res.Memory, "cpu-shares": res.CPUShares} {
		if n != 0 {
			f[name] = strconv.FormatInt(n, 10)
		}
	}
	if res.NanoCPUs != 0 {
		f["cpus"] = strconv.FormatFloat(float64(res.NanoCPUs)/1e9, 'f', -1, 64)
	}
	if res.CpusetCpus != "" {
		f["cpuset-cpus"] = res.CpusetCpus
	}
	if res.PidsLimit != nil {
		f["pids-limit"] = strconv.FormatInt(*res.PidsLimit, 10)
	}
	if p := req.RestartPolicy; p.Name != "" {
		f["restart"] = string(p.Name)
		if p.MaximumRetryCount > 0 {
			f["restart"] += ":" + strconv.Itoa(p.MaximumRetryCount)
		}
	}
	if len(f) == 0 {
		return mdcontainer.Update{}, nil // docker's update of nothing changes nothing
	}
	u, err := mdcontainer.ParseUpdate(f)
	if err != nil {
		return u, badRequest("%v", err)
	}
	return u, nil
}

// changes is docker diff: what the container changed in its image.
func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	list, err := containerfs.Diff(s.store(), st)
	if err != nil {
		writeError(w, err)
		return
	}
	kinds := map[byte]container.ChangeType{'C': container.ChangeModify, 'A': container.ChangeAdd, 'D': container.ChangeDelete}
	out := []container.FilesystemChange{}
	for _, c := range list {
		out = append(out, container.FilesystemChange{Kind: kinds[c.Kind], Path: c.Path})
	}
	writeJSON(w, http.StatusOK, out)
}

// pruneContainers is docker container prune: every container that does
// not run, of the label filters.
func (s *Server) pruneContainers(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	if len(f["until"]) > 0 {
		writeError(w, badRequest("the until filter is not supported by mydocker"))
		return
	}
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	p := mdcontainer.PruneContainers(s.store(), states, func(labels map[string]string) bool {
		return allLabels(f["label"], labels) && !anyLabel(f["label!"], labels)
	})
	logPruneErrors(r, p)
	writeJSON(w, http.StatusOK, container.PruneReport{ContainersDeleted: nonNil(p.Removed), SpaceReclaimed: uint64(p.Bytes)})
}
