package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/state"
)

// testServer is a server on an empty root of its own, whose create hook
// is create, and which must never start anything.
func testServer(t *testing.T, create func(context.Context, []string) (*state.Container, error)) (*Server, http.Handler) {
	t.Helper()
	s := &Server{Root: t.TempDir(), Version: "test", Hooks: Hooks{
		Create: create,
		Start:  func(*state.Container) error { t.Fatal("nothing is started"); return nil },
	}}
	return s, s.Handler()
}

// do sends a request and returns the status and the "message" of the body.
func do(t *testing.T, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var msg struct{ Message string }
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(rec.Body.Bytes(), &msg)
	}
	return rec.Code, msg.Message
}

func TestCreateBadJSONIs400AndMakesNothing(t *testing.T) {
	_, h := testServer(t, func(context.Context, []string) (*state.Container, error) {
		t.Fatal("a bad request reaches create")
		return nil, nil
	})
	for _, body := range []string{"", "{", `{"Image": 5}`, "[]", `{"HostConfig": {"Memory": -1}, "Image": "busybox"}`, `{"Cmd": ["true"]}`} {
		code, msg := do(t, h, "POST", "/v1.44/containers/create?name=web", body)
		assert.Equal(t, http.StatusBadRequest, code, body)
		assert.NotEmpty(t, msg, body)
	}
}

func TestUnknownContainerIs404WithDockersMessage(t *testing.T) {
	_, h := testServer(t, nil)
	for _, req := range []struct{ method, path string }{
		{"GET", "/containers/nosuch/json"}, {"GET", "/v1.44/containers/nosuch/json"},
		{"POST", "/v1.24/containers/nosuch/start"}, {"POST", "/containers/nosuch/stop"},
		{"POST", "/containers/nosuch/kill"}, {"POST", "/containers/nosuch/wait"},
		{"DELETE", "/containers/nosuch?force=1"}, {"GET", "/containers/nosuch/logs?stdout=1"},
	} {
		code, msg := do(t, h, req.method, req.path, "")
		assert.Equal(t, http.StatusNotFound, code, req.path)
		assert.Equal(t, "No such container: nosuch", msg, req.path)
	}
}

func TestNameInUseIs409(t *testing.T) {
	s, h := testServer(t, nil)
	store := state.Store{Root: s.Root}
	other := &state.Container{ID: state.NewID(), Name: "web", Created: time.Now(), Status: state.Exited}
	require.NoError(t, store.Create(other))
	s.Hooks.Create = func(context.Context, []string) (*state.Container, error) {
		return nil, fmt.Errorf("%w: %q", state.ErrNameInUse, "web")
	}
	code, msg := do(t, h, "POST", "/containers/create?name=web", `{"Image": "busybox"}`)
	assert.Equal(t, http.StatusConflict, code)
	assert.Equal(t, `Conflict. The container name "/web" is already in use by container "`+other.ID+`". You have to remove (or rename) that container to be able to reuse that name.`, msg)
}

func TestMissingImageIs404(t *testing.T) {
	_, h := testServer(t, func(context.Context, []string) (*state.Container, error) {
		return nil, fmt.Errorf("No such image: nosuch:latest")
	})
	code, msg := do(t, h, "POST", "/containers/create", `{"Image": "nosuch"}`)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "No such image: nosuch:latest", msg)
}

func TestVersionsOutOfRangeAre400(t *testing.T) {
	_, h := testServer(t, nil)
	code, msg := do(t, h, "GET", "/v1.23/version", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, msg, "client version 1.23 is too old. Minimum supported API version is 1.24")
	code, msg = do(t, h, "GET", "/v1.99/version", "")
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, msg, "client version 1.99 is too new")
	code, _ = do(t, h, "GET", "/v1.24/version", "")
	assert.Equal(t, http.StatusOK, code)
}

func TestPingHeaders(t *testing.T) {
	_, h := testServer(t, nil)
	for _, method := range []string{"GET", "HEAD"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "/_ping", nil))
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, APIVersion, rec.Header().Get("Api-Version"))
		assert.Equal(t, "linux", rec.Header().Get("Ostype"))
		assert.Equal(t, "false", rec.Header().Get("Docker-Experimental"))
		if method == "GET" {
			assert.Equal(t, "OK", rec.Body.String())
		} else {
			assert.Empty(t, rec.Body.String())
		}
	}
}

func TestUnknownRouteAndBadQueries(t *testing.T) {
	_, h := testServer(t, nil)
	code, msg := do(t, h, "GET", "/nosuch", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "page not found", msg)
	code, _ = do(t, h, "GET", `/containers/json?filters={"nosuch":{"x":true}}`, "")
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = do(t, h, "GET", `/containers/json?filters={"status":{"sleepy":true}}`, "")
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = do(t, h, "GET", `/containers/json?filters=nojson`, "")
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = do(t, h, "GET", "/images/nosuch/json", "")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestPanicIs500(t *testing.T) {
	h := recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	code, msg := do(t, h, "GET", "/", "")
	assert.Equal(t, http.StatusInternalServerError, code)
	assert.Contains(t, msg, "boom")
}

func TestCreateArgs(t *testing.T) {
	body := `{"Image": "-busybox", "Cmd": ["sh", "-c", "echo --rm"], "Entrypoint": ["/bin/env", "-i"],
		"Env": ["A=1", "B"], "WorkingDir": "/w", "User": "1:2", "Labels": {"b": "2", "a": "1"}, "Tty": true,
		"HostConfig": {"AutoRemove": true, "NetworkMode": "none", "Binds": ["/x:/y:ro"],
			"RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3},
			"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}}}`
	var req container.CreateRequest // decoded as a client's request is
	require.NoError(t, json.Unmarshal([]byte(body), &req))
	args, err := createArgs(req, "web")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"--pull=never", "--name=web", "--tty", "--env=A=1", "--label=a=1", "--label=b=2", "--workdir=/w", "--user=1:2",
		"--rm", "--network=none", "--restart=on-failure:3", "--volume=/x:/y:ro",
		"--publish=127.0.0.1:8080:80/tcp", "--entrypoint=/bin/env",
		"--", "-busybox", "-i", "sh", "-c", "echo --rm",
	}, args)
}
