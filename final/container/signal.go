package container

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/state"
)

// Kill sends sig to the container's PID 1, as docker kill does. A
// detached container's monitor does not restart a container that was
// killed by hand (docker counts kill as a manual stop).
func Kill(store state.Store, st *state.Container, sig unix.Signal) error {
	if st.Status != state.Running || !st.Init.Alive() {
		return fmt.Errorf("%w: %s", state.ErrNotRunning, st.Name)
	}
	if st.Monitored {
		if err := requestStop(store, st); err != nil {
			return err
		}
	}
	fd, ok, err := openProcess(st.Init.PID, st.Init.Alive)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %s", state.ErrNotRunning, st.Name)
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		return fmt.Errorf("kill %s: %w", st.Name, err)
	}
	logEvent(st, "kill", map[string]string{"signal": strconv.Itoa(int(sig))})
	// docker's kill unpauses a paused container once the signal is sent,
	// so that it is taken.
	thaw(st.ID)
	return nil
}
