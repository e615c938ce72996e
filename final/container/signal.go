package container

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ParseSignal reads a signal as docker kill -s does: a name, with or
// without SIG (KILL, SIGTERM, hup), or a number.
func ParseSignal(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 64 {
			return 0, fmt.Errorf("invalid signal %q", s)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("invalid signal %q: want a name such as KILL or TERM, or a number", s)
}

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
