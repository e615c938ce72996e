package container

import (
	"fmt"
	"time"

	"github.com/mydocker/mydocker/final/state"
)

// Stop stops a running container (book 5.5): SIGTERM, up to timeout for
// it to exit, then SIGKILL. It returns once the process is gone and the
// container is torn down and marked exited. A container that has exited
// already is no error, as in docker.
//
// A detached container's monitor is told first not to restart it, and is
// waited for: it records the exit code and tears the container down.
func Stop(store state.Store, st *state.Container, timeout time.Duration) error {
	if st.Monitored {
		if err := requestStop(store, st); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
	}
	if st.Status != state.Exited && st.Init.Alive() {
		thaw(st.ID) // a paused container stops too, as docker's
		if err := stopProcess(st.Init, timeout); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
	}
	if err := waitForMonitor(st, monitorGrace); err != nil {
		return fmt.Errorf("stop %s: %w", st.Name, err)
	}
	if now, err := store.Reload(st); err == nil {
		*st = *now
	}
	if st.Status == state.Exited {
		return nil
	}
	return finish(store, st, nil)
}

// monitorGrace is how long stop and rm wait for a monitor to finish its
// work once the container's process is gone.
const monitorGrace = 5 * time.Second
