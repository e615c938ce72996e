package api

import (
	"bufio"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/build"
	mdimage "github.com/mydocker/mydocker/final/image"
)

func TestJoinRef(t *testing.T) {
	for _, c := range []struct{ repo, tag, want string }{
		{"busybox", "latest", "busybox:latest"},
		{"127.0.0.1:5000/team/app", "v1", "127.0.0.1:5000/team/app:v1"},
		{"busybox", "sha256:abc", "busybox@sha256:abc"},
		{"busybox:1.36", "", "busybox:1.36"},
		{"busybox:1.36", "latest", "busybox:1.36"},
		{"127.0.0.1:5000/app", "", "127.0.0.1:5000/app"},
	} {
		assert.Equal(t, c.want, joinRef(c.repo, c.tag), "%s %s", c.repo, c.tag)
	}
}

func TestDeleteResponsesReadRmiAndPruneLines(t *testing.T) {
	got := deleteResponses([]string{"Untagged: busybox:latest", "Deleted: sha256:1", "deleted: sha256:2", "untagged: a:b"})
	require.Len(t, got, 4)
	assert.Equal(t, "busybox:latest", got[0].Untagged)
	assert.Equal(t, "sha256:1", got[1].Deleted)
	assert.Equal(t, "sha256:2", got[2].Deleted)
	assert.Equal(t, "a:b", got[3].Untagged)
}

// A stream's error before any line is the request's status; after one,
// the last line, with the code a failed RUN exited with.
func TestStreamErrorBeforeAndAfterItsFirstLine(t *testing.T) {
	rec := httptest.NewRecorder()
	newStream(rec).finish(imageError(&mdimage.NotFoundError{Name: "nosuch"}))
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.JSONEq(t, `{"message":"No such image: nosuch"}`, rec.Body.String())

	rec = httptest.NewRecorder()
	out := newStream(rec)
	out.say("#1 RUN exit 3")
	out.finish(buildError(&build.StepFailed{Argv: []string{"/bin/sh", "-c", "exit 3"}, ExitCode: 3}))
	assert.Equal(t, http.StatusOK, rec.Code)
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	require.Len(t, lines, 2)
	assert.JSONEq(t, `{"stream":"#1 RUN exit 3\n"}`, lines[0])
	msg := `process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3`
	assert.JSONEq(t, `{"errorDetail":{"code":3,"message":"`+msg+`"},"error":"`+msg+`"}`, lines[1])
}

// The library's lines become docker's: an ID first is the line's "id".
func TestProgressLinesAreDockers(t *testing.T) {
	rec := httptest.NewRecorder()
	p := &progress{s: newStream(rec), verb: "Downloading", done: "Pull complete"}
	p.Say("%s: Pulling from %s", "v1", "test/app")
	l := p.Layer("sha256:0123456789abcdef", 10)
	_, _ = bufio.NewReader(l.Reader(strings.NewReader("0123456789"))).ReadString(0)
	l.Done(nil)
	p.Say("Digest: %s", "sha256:ff")
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	require.Len(t, lines, 5)
	assert.JSONEq(t, `{"status":"Pulling from test/app","id":"v1"}`, lines[0])
	assert.JSONEq(t, `{"status":"Pulling fs layer","progressDetail":{},"id":"0123456789ab"}`, lines[1])
	assert.JSONEq(t, `{"status":"Downloading","progressDetail":{"current":10,"total":10},"id":"0123456789ab"}`, lines[2])
	assert.JSONEq(t, `{"status":"Pull complete","progressDetail":{},"id":"0123456789ab"}`, lines[3])
	assert.JSONEq(t, `{"status":"Digest: sha256:ff"}`, lines[4])
}

func TestAuthContextTakesTheClientsCredentials(t *testing.T) {
	req := httptest.NewRequest("POST", "/images/create", nil)
	ctx, err := authContext(req)
	require.NoError(t, err)
	assert.Equal(t, req.Context(), ctx, "no header: the server's keychain")

	req.Header.Set("X-Registry-Auth", base64.URLEncoding.EncodeToString([]byte(`{"username":"u","password":"p"}`)))
	ctx, err = authContext(req)
	require.NoError(t, err)
	assert.NotEqual(t, req.Context(), ctx)

	req.Header.Set("X-Registry-Auth", "%%%")
	_, err = authContext(req)
	var se *statusError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, http.StatusBadRequest, se.code)
}

// /images/NAME/ACTION takes names with slashes; an unknown action is 404.
func TestImageActionRoutes(t *testing.T) {
	s := &Server{Root: t.TempDir()}
	var got string
	h := s.imageAction(map[string]func(http.ResponseWriter, *http.Request, string){
		"tag": func(_ http.ResponseWriter, _ *http.Request, name string) { got = name },
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /images/{name...}", h)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", "/images/127.0.0.1:5000/team/app:v1/tag", nil))
	assert.Equal(t, "127.0.0.1:5000/team/app:v1", got)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", "/images/busybox/nope", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}
