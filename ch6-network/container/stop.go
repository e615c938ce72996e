package container

import (
	"fmt"
	"time"
)

// Stop stops a running container (book 5.5): SIGTERM, up to timeout for
// it to exit, then SIGKILL. It returns once the process is gone and the
// container is torn down and marked exited. A container that has exited
// already is no error, as in docker.
func Stop(store Store, st *State, timeout time.Duration) error {
	if st.Status != Exited && st.Init.Alive() {
		if err := stopProcess(st.Init, timeout); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
	}
	if st.Status == Exited {
		return nil
	}
	return finish(store, st, nil)
}
