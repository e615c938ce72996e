package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/api/types/registry"

	mdimage "github.com/mydocker/mydocker/final/image"
)

// registryRoutes: pull (and import), push, and the login check.
func (s *Server) registryRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /images/create", s.createImage)
	mux.HandleFunc("POST /auth", s.auth)
}

// createImage is docker pull's request (fromImage, tag), or docker
// import's (fromSrc=-: the body is the tar).
func (s *Server) createImage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("fromSrc") != "" {
		s.importImage(w, r)
		return
	}
	if q.Get("fromImage") == "" {
		writeError(w, badRequest("fromImage or fromSrc is required"))
		return
	}
	name := joinRef(q.Get("fromImage"), q.Get("tag"))
	ctx, err := authContext(r)
	if err != nil {
		writeError(w, err)
		return
	}
	out := newStream(w)
	s.withLeases(func() {
		_, _, err = s.images().Pull(ctx, name, &progress{s: out, verb: "Downloading", done: "Pull complete"})
	})
	out.finish(imageError(err))
}

// joinRef is the image of a repository and a tag or digest, as the
// client sends them apart; a tag already in the repository stays.
func joinRef(repo, tag string) string {
	switch {
	case tag == "" || strings.Contains(repo, "@"):
		return repo
	case strings.HasPrefix(tag, "sha256:"):
		return repo + "@" + tag
	case strings.LastIndex(repo, ":") > strings.LastIndex(repo, "/"):
		return repo // repo:tag already
	}
	return repo + ":" + tag
}

// importImage makes an image of the body's root filesystem tar, as
// docker import: the image's ID as a status line.
func (s *Server) importImage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if src := q.Get("fromSrc"); src != "-" {
		writeError(w, badRequest("fromSrc %q: only - (the request's body) is supported", src))
		return
	}
	name := ""
	if repo := q.Get("repo"); repo != "" {
		name = joinRef(repo, q.Get("tag"))
	}
	var img *mdimage.Image
	var err error
	s.withLeases(func() { img, err = s.images().Import(r.Body, name, q["changes"]) })
	if err != nil {
		writeError(w, err)
		return
	}
	out := newStream(w)
	out.send(jsonstream.Message{Status: img.ID})
	out.finish(nil)
}

// pushImage is docker push's request: the image's tag (every tag of the
// repository when none is given, as push -a) to its registry.
func (s *Server) pushImage(w http.ResponseWriter, r *http.Request, name string) {
	ref, err := mdimage.ParseRef(name)
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	ctx, err := authContext(r)
	if err != nil {
		writeError(w, err)
		return
	}
	refs := []mdimage.Ref{ref}
	if tag := r.URL.Query().Get("tag"); tag != "" {
		if refs[0], err = mdimage.ParseRef(joinRef(name, tag)); err != nil {
			writeError(w, badRequest("%v", err))
			return
		}
	} else if refs, err = s.images().TagsOf(ref); err != nil {
		writeError(w, notFound("%v", err))
		return
	}
	// Not here is docker's 404, before the stream starts.
	if _, err := s.images().Get(refs[0].String()); err != nil {
		writeError(w, notFound("An image does not exist locally with the tag: %s", refs[0].Familiar()))
		return
	}
	out := newStream(w)
	p := &progress{s: out, verb: "Pushing", done: "Pushed"}
	for _, ref := range refs {
		if _, err = s.images().Push(ctx, ref, p); err != nil {
			break
		}
	}
	out.finish(err)
}

// authContext is the request's context with the client's credentials,
// X-Registry-Auth (base64url JSON of registry.AuthConfig), for the pull
// or push to log in with; without them, the server's own keychain
// (its ~/.docker/config.json) is used, as the CLI's.
func authContext(r *http.Request) (context.Context, error) {
	header := r.Header.Get(registry.AuthHeader)
	if header == "" {
		return r.Context(), nil
	}
	data, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(header, "="))
	if err != nil {
		return nil, badRequest("invalid X-Registry-Auth header: %v", err)
	}
	var ac registry.AuthConfig
	if err := json.Unmarshal(data, &ac); err != nil {
		return nil, badRequest("invalid X-Registry-Auth header: %v", err)
	}
	return mdimage.WithAuth(r.Context(), authn.AuthConfig{
		Username: ac.Username, Password: ac.Password, Auth: ac.Auth,
		IdentityToken: ac.IdentityToken, RegistryToken: ac.RegistryToken,
	}), nil
}

// auth is docker login's check: the registry is asked whether the user
// and password are good, as the CLI's login asks it; the client keeps
// them, the server keeps nothing.
func (s *Server) auth(w http.ResponseWriter, r *http.Request) {
	var ac registry.AuthConfig
	if err := decodeJSON(r, &ac); err != nil {
		writeError(w, err)
		return
	}
	host := mdimage.RegistryHost(mdimage.RegistryServer(ac.ServerAddress))
	if err := mdimage.CheckLogin(r.Context(), host, ac.Username, ac.Password); err != nil {
		code := http.StatusInternalServerError
		if errors.Is(err, mdimage.ErrLoginRefused) {
			code = http.StatusUnauthorized
		}
		writeError(w, &statusError{code, err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, registry.AuthResponse{Status: "Login Succeeded"})
}
