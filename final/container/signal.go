package container

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Kill sends sig to the container's PID 1, as docker kill does. A
// detached container's monitor does not restart a container that was
// killed by hand (docker counts kill as a manual stop).
func Kill(store Store, st *State, sig unix.Signal) error {
	if st.Status != Running || !st.Init.Alive() {
		return fmt.Errorf("%w: %s", ErrNotRunning, st.Name)
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
		return fmt.Errorf("%w: %s", ErrNotRunning, st.Name)
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		return fmt.Errorf("kill %s: %w", st.Name, err)
	}
	return nil
}
