package api

import (
	"net/http"
	"sync"
	"time"
)

// idleWatch closes expired once no request has been under way for its
// timeout; a stream (logs -f, attach, events) is a request under way
// until it ends. A zero timeout never expires.
type idleWatch struct {
	timeout time.Duration
	expired chan struct{}

	mu       sync.Mutex
	inFlight int
	timer    *time.Timer
}

func newIdleWatch(timeout time.Duration) *idleWatch {
	w := &idleWatch{timeout: timeout, expired: make(chan struct{})}
	if timeout > 0 {
		w.timer = time.AfterFunc(timeout, w.expire)
	}
	return w
}

func (w *idleWatch) expire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.inFlight == 0 {
		select {
		case <-w.expired:
		default:
			close(w.expired)
		}
	}
}

// wrap counts next's requests while they are served.
func (w *idleWatch) wrap(next http.Handler) http.Handler {
	if w.timer == nil {
		return next
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.inFlight++
		w.timer.Stop()
		w.mu.Unlock()
		defer func() {
			w.mu.Lock()
			if w.inFlight--; w.inFlight == 0 {
				w.timer.Reset(w.timeout)
			}
			w.mu.Unlock()
		}()
		next.ServeHTTP(rw, r)
	})
}
