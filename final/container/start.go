package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/state"
)

func saveRunOptions(st *state.Container, opts RunOptions) error {
	data, err := json.Marshal(opts)
	if err != nil {
		return err
	}
	// What start runs the container from again: durable, as its record
	// (Store.Create), unless --rm removes it when its run ends.
	if st.AutoRemove {
		return atomicfile.WriteVolatile(st.RunOptionsPath(), data, 0o600)
	}
	return atomicfile.Write(st.RunOptionsPath(), data, 0o600)
}

// LoadRunOptions reads the options the container st was made with,
// which start runs it again from.
func LoadRunOptions(st *state.Container) (RunOptions, error) {
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

// notRemoved is nil for a container removed meanwhile, and err otherwise.
func notRemoved(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
