package api

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	mdimage "github.com/mydocker/mydocker/final/image"
)

// imageRoutes: list; inspect (GET /images/NAME/json) is routed with the
// other /images/NAME/ACTION requests, by imageEndpoints.
func (s *Server) imageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /images/json", s.listImages)
}

func (s *Server) images() mdimage.Store { return mdimage.Store{Root: s.Root} }

// listImages is docker images's request: newest first, with the filters
// label, dangling and reference; all=1 adds the build's untagged
// intermediate images, as images -a.
func (s *Server) listImages(w http.ResponseWriter, r *http.Request) {
	f, err := parseFilters(r.URL.Query().Get("filters"))
	if err != nil {
		writeError(w, err)
		return
	}
	match, err := imageMatcher(f)
	if err != nil {
		writeError(w, err)
		return
	}
	store := s.images()
	list, err := store.List()
	if err != nil {
		writeError(w, err)
		return
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Created.After(list[j].Created) })
	all := boolQuery(r, "all")
	out := []image.Summary{}
	for _, img := range list {
		if img.Intermediate && !all {
			continue
		}
		labels := map[string]string{}
		if cfg, err := store.Config(img); err == nil && cfg.Config.Labels != nil {
			labels = cfg.Config.Labels
		}
		if !match(img, labels) {
			continue
		}
		out = append(out, image.Summary{
			ID: img.ID, Created: img.Created.Unix(), Size: img.Size(),
			RepoTags: familiar(img.RepoTags), RepoDigests: familiar(img.RepoDigests),
			Labels: labels, Containers: -1, SharedSize: -1,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// inspectImage answers GET /images/NAME/json.
func (s *Server) inspectImage(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("name"), "/json")
	if !ok || name == "" {
		writeError(w, notFound("page not found"))
		return
	}
	store := s.images()
	img, err := store.Get(name)
	var missing *mdimage.NotFoundError
	if errors.As(err, &missing) {
		writeError(w, notFound("No such image: %s", name))
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	cfg, err := store.Config(img)
	if err != nil {
		writeError(w, err)
		return
	}
	c := cfg.Config
	resp := image.InspectResponse{
		ID: img.ID, RepoTags: familiar(img.RepoTags), RepoDigests: familiar(img.RepoDigests),
		Created: img.Created.UTC().Format(time.RFC3339Nano), Author: cfg.Author,
		Architecture: cfg.Architecture, Os: cfg.OS, Variant: cfg.Variant, Size: img.Size(),
		Config: &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
			User: c.User, Env: c.Env, Entrypoint: c.Entrypoint, Cmd: c.Cmd,
			WorkingDir: c.WorkingDir, Labels: c.Labels, StopSignal: c.StopSignal,
		}},
		RootFS: image.RootFS{Type: "layers"},
	}
	for _, l := range img.Layers {
		resp.RootFS.Layers = append(resp.RootFS.Layers, l.DiffID)
	}
	writeJSON(w, http.StatusOK, resp)
}

// familiar is names as docker's daemon gives them: busybox:latest, not
// docker.io/library/busybox:latest.
func familiar(names []string) []string {
	out := []string{}
	for _, n := range names {
		out = append(out, mdimage.Familiar(n))
	}
	return out
}
