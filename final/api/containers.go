package api

import (
	"net/http"
	"sort"

	"github.com/moby/moby/api/types/container"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// containerRoutes: list, create, inspect, and the life of a container
// (lifecycle.go).
func (s *Server) containerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /containers/json", s.listContainers)
	mux.HandleFunc("POST /containers/create", s.create)
	mux.HandleFunc("GET /containers/{id}/json", s.inspectContainer)
	mux.HandleFunc("POST /containers/{id}/start", s.start)
	mux.HandleFunc("POST /containers/{id}/stop", s.stop)
	mux.HandleFunc("POST /containers/{id}/kill", s.kill)
	mux.HandleFunc("POST /containers/{id}/wait", s.wait)
	mux.HandleFunc("DELETE /containers/{id}", s.remove)
}

func (s *Server) store() state.Store { return state.Store{Root: s.Root} }

// reconciled lists the containers as every CLI command that lists them
// does (cmd/mydocker's reconcileAll): the image store's leftovers of
// killed commands tidied, then each container's state brought up to date.
func (s *Server) reconciled() ([]*state.Container, []state.Damaged, error) {
	image.Store{Root: s.Root}.TidyTmp()
	return mdcontainer.Reconcile(s.store())
}

// find is the container that a request's {id} names, or docker's 404.
func (s *Server) find(r *http.Request) (*state.Container, error) {
	ref := r.PathValue("id")
	st, err := mdcontainer.FindReconciled(s.store(), ref)
	if err != nil && statusOf(err) == http.StatusNotFound {
		return nil, notFound("No such container: %s", ref)
	}
	return st, err
}

// listContainers is docker ps's request: the running containers, or all
// with all=1 (or a status filter), newest first, that match filters.
func (s *Server) listContainers(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	match, err := containerMatcher(f)
	if err != nil {
		writeError(w, err)
		return
	}
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	sort.SliceStable(states, func(i, j int) bool { return states[i].Created.After(states[j].Created) })
	all := boolQuery(r, "all") || len(f["status"]) > 0
	list := []container.Summary{}
	for _, st := range states {
		if !all && !st.Running() && !st.Restarting() {
			continue
		}
		if match(st) {
			list = append(list, summaryOf(st))
		}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) inspectContainer(w http.ResponseWriter, r *http.Request) {
	st, err := s.find(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, inspectOf(st))
}
