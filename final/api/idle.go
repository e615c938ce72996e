package api

import (
	"net/http"
	"runtime/debug"
	"sync"
	"time"
)

// settleAfter is how long after its last request the server gives its
// free heap back to the kernel: a ps of many containers, a pull or a
// build grows it, and an idle server need not keep it.
const settleAfter = time.Second

// idleWatch follows the requests under way: once none has been for
// settleAfter, it frees the heap (debug.FreeOSMemory); once none has
// been for its timeout, not 0, it closes expired. A stream (logs -f,
// attach, events) is a request under way until it ends.
type idleWatch struct {
	timeout time.Duration
	expired chan struct{}

	mu       sync.Mutex
	inFlight int
	expiry   *time.Timer // nil: no timeout
	settle   *time.Timer
}

func newIdleWatch(timeout time.Duration) *idleWatch {
	w := &idleWatch{timeout: timeout, expired: make(chan struct{})}
	if timeout > 0 {
		w.expiry = time.AfterFunc(timeout, w.expire)
	}
	w.settle = time.AfterFunc(settleAfter, w.free)
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

func (w *idleWatch) free() {
	w.mu.Lock()
	idle := w.inFlight == 0
	w.mu.Unlock()
	if idle {
		debug.FreeOSMemory()
	}
}

// wrap counts next's requests while they are served.
func (w *idleWatch) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.inFlight++
		w.settle.Stop()
		if w.expiry != nil {
			w.expiry.Stop()
		}
		w.mu.Unlock()
		defer func() {
			w.mu.Lock()
			if w.inFlight--; w.inFlight == 0 {
				w.settle.Reset(settleAfter)
				if w.expiry != nil {
					w.expiry.Reset(w.timeout)
				}
			}
			w.mu.Unlock()
		}()
		next.ServeHTTP(rw, r)
	})
}
