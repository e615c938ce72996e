package api

import (
	"net"
	"slices"
	"sync"
)

// attachWaits are the attaches that wait for their container to start,
// by container ID: the API's start hands the first its stream.
type attachWaits struct {
	mu sync.Mutex
	m  map[string][]chan net.Conn
}

// add registers a wait for id's start; its channel gets one connection
// (nil when the start failed) once a start has taken it.
func (a *attachWaits) add(id string) chan net.Conn {
	c := make(chan net.Conn, 1) // the start never blocks on it
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = map[string][]chan net.Conn{}
	}
	a.m[id] = append(a.m[id], c)
	return c
}

// remove unregisters c, and reports whether it was still there: false
// means a start has taken it, and will send on it.
func (a *attachWaits) remove(id string, c chan net.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := slices.Index(a.m[id], c)
	if i < 0 {
		return false
	}
	a.m[id] = slices.Delete(a.m[id], i, i+1)
	if len(a.m[id]) == 0 {
		delete(a.m, id)
	}
	return true
}

// takeFirst unregisters the oldest wait for id and returns it, or nil.
func (a *attachWaits) takeFirst(id string) chan net.Conn {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.m[id]) == 0 {
		return nil
	}
	c := a.m[id][0]
	if a.m[id] = a.m[id][1:]; len(a.m[id]) == 0 {
		delete(a.m, id)
	}
	return c
}
