package container

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/state"
)

// Wait blocks until the container has exited and returns its exit code.
// A detached container's is known from its monitor; one that exited with
// nobody watching (its monitor killed) has none, which is an error.
func Wait(store state.Store, st *state.Container) (*int, error) {
	return WaitOrCancel(store, st, nil)
}

// ErrWaitCanceled is what WaitOrCancel returns when told to stop waiting.
var ErrWaitCanceled = errors.New("the wait was canceled")

// WaitOrCancel is Wait that gives up once cancel closes: the API server's
// wait whose client hung up leaves nobody waiting on the container.
func WaitOrCancel(store state.Store, st *state.Container, cancel <-chan struct{}) (*int, error) {
	for {
		now, err := store.Reload(st)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s was removed before its exit code could be read", st.Name)
		}
		if err != nil {
			return nil, err
		}
		if now.Status == state.Exited {
			if now.ExitCode == nil {
				return nil, fmt.Errorf("%s exited with nobody watching: its exit code is unknown", st.Name)
			}
			return now.ExitCode, nil
		}
		switch {
		case now.Owner.Alive():
			// Its mydocker (foreground run, or monitor) records the end.
			err = waitUntilGone(now.Owner, cancel)
		case now.Init.Alive():
			err = waitUntilGone(now.Init, cancel)
		}
		if err != nil {
			return nil, err
		}
		if _, err := reconcile(store, now); err != nil {
			return nil, err
		}
		// The owner may be between the exit and its record: look again.
		time.Sleep(10 * time.Millisecond)
	}
}

// waitUntilGone blocks until the process p has exited, or cancel closes
// (looked at every tenth of a second: a slice of the wait).
func waitUntilGone(p state.Process, cancel <-chan struct{}) error {
	fd, ok, err := openProcess(p.PID, p.Alive)
	if err != nil || !ok {
		return err
	}
	defer unix.Close(fd)
	slice := time.Hour
	if cancel != nil {
		slice = 100 * time.Millisecond
	}
	for {
		select {
		case <-cancel:
			return ErrWaitCanceled
		default:
		}
		if exited, err := waitForExit(fd, slice); err != nil || exited {
			return err
		}
	}
}
