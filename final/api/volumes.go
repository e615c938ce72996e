package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/volume"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
	mdvolume "github.com/mydocker/mydocker/final/volume"
)

// volumeRoutes: docker volume ls, inspect, create, rm and prune, through
// the library the CLI's volume commands use.
func (s *Server) volumeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /volumes", s.listVolumes)
	mux.HandleFunc("GET /volumes/{$}", s.listVolumes)
	mux.HandleFunc("GET /volumes/{name}", s.inspectVolume)
	mux.HandleFunc("POST /volumes/create", s.createVolume)
	mux.HandleFunc("DELETE /volumes/{name}", s.removeVolume)
	mux.HandleFunc("POST /volumes/prune", s.pruneVolumes)
}

func (s *Server) volumes() mdvolume.Store { return mdvolume.Store{Root: s.Root} }

// volumeOf is v as docker shows it.
func volumeOf(v *mdvolume.Volume) volume.Volume {
	labels := v.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return volume.Volume{
		Name: v.Name, Driver: v.Driver, Mountpoint: v.Mountpoint, Scope: v.Scope,
		CreatedAt: v.CreatedAt.Format(time.RFC3339), Labels: labels, Options: map[string]string{},
	}
}

// volumeError is docker's 404 for a volume that is not there, and a 400
// for a name docker would refuse.
func volumeError(err error, name string) error {
	switch {
	case errors.Is(err, mdvolume.ErrNotFound):
		return notFound("get %s: no such volume", name)
	case mdvolume.CheckName(name) != nil:
		return badRequest("%v", err)
	}
	return err
}

// listVolumes is docker volume ls's request, with the name, driver,
// label and dangling filters.
func (s *Server) listVolumes(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	list, err := s.volumes().List()
	if err != nil {
		writeError(w, err)
		return
	}
	states, err := s.store().List()
	if err != nil {
		writeError(w, err)
		return
	}
	out := volume.ListResponse{Volumes: []volume.Volume{}, Warnings: []string{}}
	for _, v := range list {
		users := len(mdcontainer.VolumeUsers(s.store(), states, v.Name))
		if volumeMatches(v, users, f) {
			out.Volumes = append(out.Volumes, volumeOf(v))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func volumeMatches(v *mdvolume.Volume, users int, f filters) bool {
	return anyOf(f["name"], func(s string) bool { return strings.Contains(v.Name, s) }) &&
		anyOf(f["driver"], func(s string) bool { return s == v.Driver }) &&
		anyOf(f["dangling"], func(s string) bool {
			b, err := strconv.ParseBool(s)
			return err == nil && b == (users == 0)
		}) &&
		allLabels(f["label"], v.Labels)
}

func (s *Server) inspectVolume(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	v, err := s.volumes().Get(name)
	if err != nil {
		writeError(w, volumeError(err, name))
		return
	}
	writeJSON(w, http.StatusOK, volumeOf(v))
}

// createVolume is docker volume create: 201 with the volume, made or
// found, as docker's (a name in use is the volume there).
func (s *Server) createVolume(w http.ResponseWriter, r *http.Request) {
	var req volume.CreateRequest
	if err := decodeJSON(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Driver != "" && req.Driver != "local" {
		writeError(w, notFound("plugin %q not found", req.Driver))
		return
	}
	if len(req.DriverOpts) > 0 {
		writeError(w, badRequest("volume driver options are not supported: the local driver's bind mounts alone"))
		return
	}
	v, err := s.volumes().CreateLabeled(req.Name, req.Labels)
	if err != nil {
		writeError(w, volumeError(err, req.Name))
		return
	}
	writeJSON(w, http.StatusCreated, volumeOf(v))
}

// removeVolume is docker volume rm: 204; 409 while a container uses it,
// as docker (force only lets a missing volume pass).
func (s *Server) removeVolume(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.volumes().Get(name); err != nil {
		if errors.Is(err, mdvolume.ErrNotFound) && boolQuery(r, "force") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeError(w, volumeError(err, name))
		return
	}
	states, err := s.store().List()
	if err != nil {
		writeError(w, err)
		return
	}
	if users := mdcontainer.VolumeUsers(s.store(), states, name); len(users) > 0 {
		writeError(w, conflict("remove %s: volume is in use - [%s]", name, strings.Join(idsOf(states, users), ", ")))
		return
	}
	if err := s.volumes().Remove(name, nil); err != nil {
		writeError(w, volumeError(err, name))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// idsOf are the IDs of the containers names, as docker's in-use error
// lists them.
func idsOf(states []*state.Container, names []string) []string {
	var ids []string
	for _, n := range names {
		for _, st := range states {
			if st.Name == n {
				ids = append(ids, st.ID)
			}
		}
	}
	return ids
}

// pruneVolumes is docker volume prune: the anonymous volumes no
// container uses, or every one with the filter all=true (docker 23's),
// of the label filters.
func (s *Server) pruneVolumes(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	all := anyOf(f["all"], func(v string) bool { b, _ := strconv.ParseBool(v); return b }) && len(f["all"]) > 0
	states, err := s.store().List()
	if err != nil {
		writeError(w, err)
		return
	}
	p, err := mdcontainer.PruneVolumes(s.store(), states, all, func(labels map[string]string) bool {
		return allLabels(f["label"], labels) && !anyLabel(f["label!"], labels)
	})
	if err != nil {
		writeError(w, err)
		return
	}
	logPruneErrors(r, p)
	writeJSON(w, http.StatusOK, volume.PruneReport{VolumesDeleted: nonNil(p.Removed), SpaceReclaimed: uint64(p.Bytes)})
}

// anyLabel: one of the label!= filters holds, so the thing is kept.
func anyLabel(values []string, labels map[string]string) bool {
	for _, v := range values {
		if allLabels([]string{v}, labels) {
			return true
		}
	}
	return false
}
