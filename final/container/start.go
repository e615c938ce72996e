package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/state"
)

func saveRunOptions(st *state.Container, opts RunOptions) error {
	data, err := json.Marshal(opts)
	if err != nil {
		return err
	}
	return atomicfile.Write(st.RunOptionsPath(), data, 0o600)
}

func loadRunOptions(st *state.Container) (RunOptions, error) {
	var opts RunOptions
	data, err := os.ReadFile(st.RunOptionsPath())
	if err != nil {
		return opts, fmt.Errorf("%s cannot be started again: %w", st.Name, err)
	}
	return opts, json.Unmarshal(data, &opts)
}

// Create makes a container that does not run yet, as docker create: its
// record and options, no mount and no process. start runs it. Call
// Reconcile first, as run's.
func Create(opts RunOptions) (*state.Container, error) {
	store := state.Store{Root: opts.Root}
	opts.Detach, opts.Started = true, nil
	st, err := newState(store, opts)
	if err != nil {
		return nil, err
	}
	st.NotStarted = true
	if err := saveRunOptions(st, opts); err == nil {
		err = st.Save()
	}
	if err != nil {
		discard(store, st)
		return nil, err
	}
	return st, nil
}

// MonitorStart is the monitor of a container that start runs again (made
// by create, or exited): it starts it as a detached container, over the
// writable layer it has, reports the start, and then watches it as
// Monitor does.
func MonitorStart(root, id string, first net.Conn, report func(*state.Container, error)) error {
	signals := monitorSetup()
	defer leaveMonitorCgroup()
	store := state.Store{Root: root}
	st, err := store.Find(id)
	if err == nil && st.Status == state.Running && st.Init.Alive() {
		report(st, nil) // running already: nothing to do, as docker
		return nil
	}
	var opts RunOptions
	if err == nil {
		opts, err = loadRunOptions(st)
	}
	if err == nil {
		opts.MergeOutput = false // the first run's caller's wish
		opts.hub = newHub(signals, opts.ConsoleSize)
		defer opts.hub.close()
		err = opts.hub.prepare(st, opts.Log)
	}
	if err != nil {
		report(st, err)
		return err
	}
	if first != nil {
		opts.hub.add(first, true)
	}
	status, again, err := startAgain(store, st, opts, signals, false, report)
	if !again {
		return err
	}
	return superviseRestarts(store, st, opts, status, signals)
}

// notRemoved is nil for a container removed meanwhile, and err otherwise.
func notRemoved(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
