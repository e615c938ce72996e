package api

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListenRefusesWhatIsNotSafe(t *testing.T) {
	for host, word := range map[string]string{
		"tcp://127.0.0.1:0":    "TCP needs TLS with client certificates",
		"unix://relative.sock": "want an absolute path",
		"fd://":                "no socket was passed",
		"http://x":             "want unix:///absolute/path.sock",
	} {
		_, err := Listen(host, ListenOptions{})
		require.Error(t, err, host)
		assert.Contains(t, err.Error(), word, host)
	}
}

func TestListenUnixIs0600Or0660(t *testing.T) {
	dir := t.TempDir()
	for group, mode := range map[string]os.FileMode{"": 0o600, "4321": 0o660} {
		path := filepath.Join(dir, "s"+group+".sock")
		l, err := Listen("unix://"+path, ListenOptions{Group: group})
		require.NoError(t, err)
		info, err := os.Lstat(path)
		require.NoError(t, err)
		assert.Equal(t, mode, info.Mode().Perm(), group)
		assert.NotZero(t, info.Mode()&os.ModeSocket)
		l.Close()
	}
}

// The idle timeout waits for the requests under way, and starts again
// after the last one.
func TestIdleWatchWaitsForRequestsUnderWay(t *testing.T) {
	release := make(chan struct{})
	w := newIdleWatch(50 * time.Millisecond)
	h := w.wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/events", nil))
		close(done)
	}()
	time.Sleep(10 * time.Millisecond) // the request is under way
	select {
	case <-w.expired:
		t.Fatal("expired with a request under way")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	<-done
	select {
	case <-w.expired:
	case <-time.After(2 * time.Second):
		t.Fatal("did not expire once idle")
	}
}
