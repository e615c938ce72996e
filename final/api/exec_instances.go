package api

import (
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
)

// execInstance is one docker exec: made by exec create, run once by exec
// start, read by exec inspect. It lives in the server's memory only, as
// docker's does in its daemon's.
type execInstance struct {
	id, containerID string
	req             container.ExecCreateRequest
	resize          chan [2]uint16 // the newest size that resize asked for

	mu       sync.Mutex
	started  bool
	running  bool
	exitCode *int
	pid      int
	ended    time.Time
}

// begin marks the instance started, once: false when it was already.
func (x *execInstance) begin() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.started {
		return false
	}
	x.started, x.running = true, true
	return true
}

func (x *execInstance) setPid(pid int) {
	x.mu.Lock()
	x.pid = pid
	x.mu.Unlock()
}

// finish records the command's exit status.
func (x *execInstance) finish(status int) {
	x.mu.Lock()
	x.running, x.exitCode, x.ended = false, &status, time.Now()
	x.mu.Unlock()
}

// setSize keeps size as the newest one asked for, in place of an older
// one that the command's terminal has not taken yet.
func (x *execInstance) setSize(size [2]uint16) {
	for {
		select {
		case x.resize <- size:
			return
		default:
		}
		select {
		case <-x.resize:
		default:
		}
	}
}

// inspect is exec inspect's answer.
func (x *execInstance) inspect() container.ExecInspectResponse {
	x.mu.Lock()
	defer x.mu.Unlock()
	privileged := x.req.Privileged
	return container.ExecInspectResponse{
		ID: x.id, ContainerID: x.containerID, Running: x.running, ExitCode: x.exitCode, Pid: x.pid,
		OpenStdin: x.req.AttachStdin, OpenStdout: x.req.AttachStdout, OpenStderr: x.req.AttachStderr,
		DetachKeys: []byte(x.req.DetachKeys),
		ProcessConfig: &container.ExecProcessConfig{Tty: x.req.Tty, Entrypoint: x.req.Cmd[0],
			Arguments: x.req.Cmd[1:], Privileged: &privileged, User: x.req.User},
	}
}

// execs are the server's exec instances, by ID.
type execs struct {
	mu sync.Mutex
	m  map[string]*execInstance
}

// keepEnded is how long an exec that has ended stays for inspect.
const keepEnded = 5 * time.Minute

// add records x, and forgets those that ended long ago: the server
// lives long, and docker's CLI reads an exit code at once.
func (e *execs) add(x *execInstance) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]*execInstance{}
	}
	for id, old := range e.m {
		old.mu.Lock()
		stale := !old.ended.IsZero() && time.Since(old.ended) > keepEnded
		old.mu.Unlock()
		if stale {
			delete(e.m, id)
		}
	}
	e.m[x.id] = x
}

func (e *execs) get(id string) *execInstance {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.m[id]
}
