package api

import (
	"net/http"
	"strings"

	"github.com/moby/moby/api/types/image"

	mdimage "github.com/mydocker/mydocker/final/image"
)

// imageEndpoints: what the CLI asks of images beyond list and inspect
// (images.go): pull, push, tag, rmi, save, load, history, prune, build
// and login. An image's name may hold slashes (registry:5000/team/app),
// so NAME/tag, NAME/push, NAME/history and NAME/get are told apart by
// their last element (imageAction).
func (s *Server) imageEndpoints(mux *http.ServeMux) {
	s.registryRoutes(mux)
	mux.HandleFunc("GET /images/get", s.saveImages)
	mux.HandleFunc("POST /images/load", s.loadImages)
	mux.HandleFunc("POST /images/prune", s.pruneImages)
	mux.HandleFunc("GET /images/{name...}", s.imageAction(map[string]func(http.ResponseWriter, *http.Request, string){
		"json":    func(w http.ResponseWriter, r *http.Request, _ string) { s.inspectImage(w, r) },
		"history": s.imageHistory,
		"get":     func(w http.ResponseWriter, r *http.Request, name string) { s.save(w, r, []string{name}) },
	}))
	mux.HandleFunc("POST /images/{name...}", s.imageAction(map[string]func(http.ResponseWriter, *http.Request, string){
		"tag":  s.tagImage,
		"push": s.pushImage,
	}))
	mux.HandleFunc("DELETE /images/{name...}", s.removeImage)
	mux.HandleFunc("POST /build", s.build)
}

// imageAction routes /images/NAME/ACTION to actions[ACTION] with NAME.
func (s *Server) imageAction(actions map[string]func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		path := r.PathValue("name")
		i := strings.LastIndex(path, "/")
		if i <= 0 || actions[path[i+1:]] == nil {
			writeError(w, notFound("page not found"))
			return
		}
		actions[path[i+1:]](w, r, path[:i])
	}
}

// tagImage is docker tag's request: 201 and no body.
func (s *Server) tagImage(w http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	if q.Get("repo") == "" {
		writeError(w, badRequest("repository name (repo) is required"))
		return
	}
	target := joinRef(q.Get("repo"), q.Get("tag"))
	if _, err := mdimage.ParseRef(target); err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	if err := s.images().Tag(name, target); err != nil {
		writeError(w, imageError(err))
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// removeImage is docker rmi's request, through the CLI's rmi (force:
// -f). noprune is taken and not honoured: an image's untagged parents
// go with it, as rmi's.
func (s *Server) removeImage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	lines, err := s.Hooks.RemoveImage(name, boolQuery(r, "force"))
	if err != nil {
		writeError(w, imageError(err))
		return
	}
	writeJSON(w, http.StatusOK, deleteResponses(lines))
}

// deleteResponses are rmi's or prune's lines ("Untagged: …", "deleted:
// …") as docker's API gives them.
func deleteResponses(lines []string) []image.DeleteResponse {
	out := []image.DeleteResponse{}
	for _, line := range lines {
		what, name, _ := strings.Cut(line, ": ")
		switch strings.ToLower(what) {
		case "untagged":
			out = append(out, image.DeleteResponse{Untagged: name})
		case "deleted":
			out = append(out, image.DeleteResponse{Deleted: name})
		}
	}
	return out
}

// pruneImages is docker image prune's request: dangling=false (-a) takes
// every image no container uses, as the CLI's prune.
func (s *Server) pruneImages(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	all := false
	for key, values := range f {
		if key != "dangling" {
			writeError(w, badRequest("invalid filter '%s': only dangling is supported", key))
			return
		}
		for _, v := range values {
			all = all || v == "false" || v == "0"
		}
	}
	lines, bytes, err := s.Hooks.PruneImages(all)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, image.PruneReport{ImagesDeleted: deleteResponses(lines), SpaceReclaimed: uint64(bytes)})
}

// imageHistory is docker history's request: newest step first; only the
// newest is an image here, the others "<missing>", as docker shows a
// pulled image's.
func (s *Server) imageHistory(w http.ResponseWriter, r *http.Request, name string) {
	store := s.images()
	img, err := store.Get(name)
	if err != nil {
		writeError(w, imageError(err))
		return
	}
	entries, err := store.History(img)
	if err != nil {
		writeError(w, err)
		return
	}
	out := []image.HistoryResponseItem{}
	for i, h := range entries {
		item := image.HistoryResponseItem{ID: "<missing>", Created: h.Created.Unix(),
			CreatedBy: h.CreatedBy, Comment: h.Comment, Size: h.Size, Tags: []string{}}
		if i == 0 {
			item.ID, item.Tags = img.ID, familiar(img.RepoTags)
		}
		out = append(out, item)
	}
	writeJSON(w, http.StatusOK, out)
}
