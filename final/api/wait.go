package api

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"

	mdcontainer "github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/events"
	"github.com/mydocker/mydocker/final/state"
)

// waitFor waits as wait's condition says; a client that hangs up ends it.
// A container removed meanwhile (--rm: docker run's wait for
// condition=removed) exited with the code of its die event, which its
// monitor logs before it removes it.
func (s *Server) waitFor(ctx context.Context, st *state.Container, condition container.WaitCondition) container.WaitResponse {
	since, id := time.Now(), st.ID
	code, gone := st.ExitCode, false
	var err error
	if condition == container.WaitConditionNextExit {
		if st, err = s.untilStarted(ctx, st); err != nil {
			return waitError(err.Error())
		}
		if gone = st == nil; !gone {
			code = st.ExitCode
		}
	}
	// Its record, not st.Running(): an init that has just died is still
	// to be recorded, with its exit code, by its monitor.
	if !gone && (st.Status == state.Running || st.Restarting()) {
		if code, gone, err = s.untilExited(ctx, st); err != nil {
			return waitError(err.Error())
		}
	}
	if !gone && condition == container.WaitConditionRemoved {
		if err := s.untilRemoved(ctx, id); err != nil {
			return waitError(err.Error())
		}
		gone = true
	}
	if gone {
		if c, ok := s.dieSince(id, since); ok {
			code = &c
		}
	}
	if code == nil {
		return container.WaitResponse{}
	}
	return container.WaitResponse{StatusCode: int64(*code)}
}

var errClientWentAway = errors.New("the client went away")

// untilStarted waits until a container that does not run has started
// (it may have exited again between two looks): nil if it was removed.
func (s *Server) untilStarted(ctx context.Context, st *state.Container) (*state.Container, error) {
	started := st.StartedAt
	for !st.Running() && st.StartedAt.Equal(started) {
		if !sleep(ctx, 20*time.Millisecond) {
			return nil, errClientWentAway
		}
		now, err := s.store().Reload(st)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		st = now
	}
	return st, nil
}

// untilExited waits for a running container's exit: its code, or that it
// was removed (--rm) before the code could be read from its record.
func (s *Server) untilExited(ctx context.Context, st *state.Container) (*int, bool, error) {
	code, err := mdcontainer.WaitOrCancel(s.store(), st, ctx.Done())
	switch {
	case errors.Is(err, mdcontainer.ErrWaitCanceled):
		return nil, false, errClientWentAway
	case err == nil:
		return code, false, nil
	}
	if _, ferr := s.store().Find(st.ID); errors.Is(ferr, state.ErrNotFound) {
		return nil, true, nil
	}
	return nil, false, err
}

// untilRemoved waits until the container id is gone.
func (s *Server) untilRemoved(ctx context.Context, id string) error {
	for {
		if _, err := s.store().Find(id); err != nil {
			return nil
		}
		if !sleep(ctx, 20*time.Millisecond) {
			return errClientWentAway
		}
	}
}

// dieSince is the exit code of the container id's last die event since
// the time given, from the events log.
func (s *Server) dieSince(id string, since time.Time) (int, bool) {
	code, found := 0, false
	_ = events.Read(context.Background(), s.Root, since, time.Time{}, false, func(e events.Event) {
		if e.Type != events.Container || e.Action != "die" || e.Actor.ID != id {
			return
		}
		if c, err := strconv.Atoi(e.Actor.Attributes["exitCode"]); err == nil {
			code, found = c, true
		}
	})
	return code, found
}
