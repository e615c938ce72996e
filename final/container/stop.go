package container

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/state"
)

// DefaultStopTimeout is how long stop waits after the stop signal when
// neither stop -t nor --stop-timeout says, as docker's.
const DefaultStopTimeout = 10 * time.Second

// Stop stops a running container (book 5.5): sig (its stop signal, see
// StopSignal), up to timeout for it to exit (a negative one: for as long
// as it takes, as docker's -1), then SIGKILL. It returns once the process
// is gone and the container is torn down and marked exited. A container
// that has exited already is no error, as in docker.
//
// A detached container's monitor is told first not to restart it, and is
// waited for: it records the exit code and tears the container down.
func Stop(store state.Store, st *state.Container, sig unix.Signal, timeout time.Duration) error {
	if st.Monitored {
		if err := requestStop(store, st); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
	}
	if st.Status != state.Exited && st.Init.Alive() {
		thaw(st.ID) // a paused container stops too, as docker's
		logEvent(st, "kill", map[string]string{"signal": strconv.Itoa(int(sig))})
		if err := stopProcess(st.Init, sig, timeout); err != nil {
			return fmt.Errorf("stop %s: %w", st.Name, err)
		}
		defer logEvent(st, "stop", nil) // after its die, as docker's
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

// StopSignal is the signal stop sends the container: --stop-signal or its
// image's STOPSIGNAL, recorded at create; SIGTERM when neither said.
func StopSignal(st *state.Container) (unix.Signal, error) {
	if st.Config.StopSignal == "" {
		return unix.SIGTERM, nil
	}
	sig, err := signals.Parse(st.Config.StopSignal)
	if err != nil {
		return 0, fmt.Errorf("container %s: stop signal: %w", st.Name, err)
	}
	return sig, nil
}

// StopTimeout is how long stop waits for the container after its stop
// signal when stop -t does not say: --stop-timeout, or 10 s.
func StopTimeout(st *state.Container) time.Duration {
	if t := st.Config.StopTimeout; t != nil {
		return time.Duration(*t) * time.Second
	}
	return DefaultStopTimeout
}

// monitorGrace is how long stop and rm wait for a monitor to finish its
// work once the container's process is gone.
const monitorGrace = 5 * time.Second
