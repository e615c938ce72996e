package api

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/state"
)

func TestParseDetachKeys(t *testing.T) {
	for in, want := range map[string][]byte{
		"":              {0x10, 0x11},
		"ctrl-p,ctrl-q": {0x10, 0x11},
		"ctrl-a,x":      {0x01, 'x'},
		"ctrl-@,ctrl-[": {0x00, 0x1b},
	} {
		got, err := parseDetachKeys(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"ctrl-", "ctrl-1", "ab", "ctrl-p,"} {
		_, err := parseDetachKeys(bad)
		assert.Error(t, err, bad)
	}
}

// An attach that waits is handed a start's connection once, first come
// first served; one that gave up is not.
func TestAttachWaits(t *testing.T) {
	var a attachWaits
	assert.Nil(t, a.takeFirst("c1"))
	first, second := a.add("c1"), a.add("c1")
	assert.True(t, a.remove("c1", second))
	assert.False(t, a.remove("c1", second))
	assert.Equal(t, first, a.takeFirst("c1"))
	assert.False(t, a.remove("c1", first), "taken by a start: it will send")
	assert.Nil(t, a.takeFirst("c1"))
	assert.Empty(t, a.m)
}

// The API's errors on what attach, resize and exec are asked, before
// anything runs.
func TestAttachAndExecErrors(t *testing.T) {
	_, h := testServer(t, nil)
	code, msg := do(t, h, "POST", "/v1.44/containers/nosuch/attach?stream=1&stdout=1", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "No such container: nosuch", msg)
	code, msg = do(t, h, "GET", "/v1.44/exec/nosuch/json", "")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, "No such exec instance: nosuch", msg)
	code, _ = do(t, h, "POST", "/v1.44/exec/nosuch/resize?h=1&w=2", "")
	assert.Equal(t, http.StatusNotFound, code)
	code, _ = do(t, h, "POST", "/v1.44/containers/nosuch/exec", `{"Cmd":["true"]}`)
	assert.Equal(t, http.StatusNotFound, code)
}

// A client's full close is a hang-up; its half-close (the end of its
// input) is not.
func TestHijackedWatchSeesHangUpOnly(t *testing.T) {
	ours, theirs := unixPair(t)
	h := &hijacked{conn: ours, gone: make(chan struct{}), done: make(chan struct{})}
	go h.watch()
	defer h.close()
	require.NoError(t, theirs.(*net.UnixConn).CloseWrite())
	select {
	case <-h.gone:
		t.Fatal("a half-close is no hang-up")
	case <-time.After(3 * hangupEvery):
	}
	theirs.Close()
	select {
	case <-h.gone:
	case <-time.After(20 * hangupEvery):
		t.Fatal("the hang-up was not seen")
	}
}

// unixPair is both ends of a unix socket connection.
func unixPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "s"))
	require.NoError(t, err)
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	theirs, err := net.Dial("unix", l.Addr().String())
	require.NoError(t, err)
	ours := <-accepted
	require.NotNil(t, ours)
	t.Cleanup(func() { ours.Close(); theirs.Close() })
	return ours, theirs
}

// docker run sends its start the moment it has attach's response: the
// start must find the attach waiting and hand it the container's stream
// (StartAttached), never start it with nobody attached (Start), which
// lost a fast container's whole output.
func TestStartRightAfterAttachHandsItTheStream(t *testing.T) {
	s, h := testServer(t, nil)
	st := &state.Container{ID: state.NewID(), Name: "fast", Created: time.Now(), Status: state.Created, NotStarted: true}
	require.NoError(t, state.Store{Root: s.Root}.Create(st))
	srv := httptest.NewServer(h)
	defer srv.Close()
	attached := 0
	s.Hooks.StartAttached = func(*state.Container) (net.Conn, error) {
		attached++
		ours, theirs := net.Pipe()
		theirs.Close() // the container is done at once
		return ours, nil
	}
	for i := 0; i < 20; i++ {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		require.NoError(t, err)
		_, err = io.WriteString(conn, "POST /v1.44/containers/fast/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
		code, _ := do(t, h, "POST", "/v1.44/containers/fast/start", "")
		assert.Equal(t, http.StatusNoContent, code)
		require.Equal(t, i+1, attached, "the start ran with nobody attached")
		conn.Close()
	}
}
