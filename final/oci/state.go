package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/procstat"
)

// DefaultRoot is where state lives without --root, as runc's /run/runc:
// a tmpfs, so that a reboot, which ends every container, forgets them.
const DefaultRoot = "/run/mydocker-runc"

// Container is one container's record, <root>/<id>/state.json: what
// create made, so that the other operations find it and delete undoes it.
type Container struct {
	ID     string `json:"id"`
	Bundle string `json:"bundle"`
	// Pid is init's, in our PID namespace; StartTime its start time
	// (field 22 of /proc/PID/stat), so that a process that took the pid
	// since is never taken for it.
	Pid       int       `json:"pid"`
	StartTime uint64    `json:"startTime"`
	Created   time.Time `json:"created"`
	Owner     string    `json:"owner"`
	// Cgroup is the cgroup's directory in each hierarchy (v1) or under
	// the key "" (v2).
	Cgroup map[string]string `json:"cgroup"`
	// Spec is the bundle's config as create read it: later changes to
	// the file do not change the container (config_updates_without_affect).
	Spec *specs.Spec `json:"spec"`
	// Descriptors are what init's stdio were when it started (pipes,
	// files): a checkpoint's image records them, so that a restore hands
	// the restored process the restorer's pipes in their place.
	Descriptors []string `json:"externalDescriptors,omitempty"`

	dir string
}

// Dir is the container's directory under the state root.
func (c *Container) Dir() string { return c.dir }

func (c *Container) fifo() string { return filepath.Join(c.dir, "exec.fifo") }

// Load finds the container id under root.
func Load(root, id string) (*Container, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	dir := filepath.Join(root, id)
	data, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("container %s: %w", id, ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("read the state of %s: %w", id, err)
	}
	c := &Container{dir: dir}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("parse the state of %s: %w", id, err)
	}
	return c, nil
}

// List is every container under root, by ID.
func List(root string) ([]*Container, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []*Container
	for _, e := range entries {
		if c, err := Load(root, e.Name()); err == nil {
			list = append(list, c)
		}
	}
	return list, nil
}

// save writes the record atomically and durably: a reader sees the old
// or the new, and a crash never leaves an empty or half file.
func (c *Container) save() error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(c.dir, "state.json"), data, 0o600); err != nil {
		return fmt.Errorf("write the state: %w", err)
	}
	return nil
}

// Status is the container's status as the spec names them, with runc's
// "paused": stopped once its init is gone (or a zombie), created while
// init waits on the exec fifo, else running.
func (c *Container) Status() specs.ContainerState {
	if !c.alive() {
		return specs.StateStopped
	}
	if _, err := os.Lstat(c.fifo()); err == nil {
		return specs.StateCreated
	}
	if c.frozen() {
		return "paused"
	}
	return specs.StateRunning
}

// alive reports whether init runs still: the pid is there, with the
// start time recorded, and not a zombie.
func (c *Container) alive() bool {
	if c.Pid <= 0 {
		return false
	}
	st, err := procstat.Read(c.Pid)
	return err == nil && st.StartTime == c.StartTime && !st.Gone()
}

// State is the spec's state of the container (runtime.md#state).
func (c *Container) State() specs.State {
	st := specs.State{Version: SpecVersion, ID: c.ID, Status: c.Status(), Bundle: c.Bundle}
	if c.Spec != nil {
		st.Annotations = c.Spec.Annotations
	}
	if st.Status != specs.StateStopped {
		st.Pid = c.Pid
	}
	return st
}

// signal sends sig to init, unless init is gone: a pidfd names the
// process itself, so no process that took its pid is ever signalled.
func (c *Container) signal(sig syscall.Signal) error {
	fd, err := unix.PidfdOpen(c.Pid, 0)
	if err != nil {
		return ErrNotRunning
	}
	defer unix.Close(fd)
	if !c.alive() {
		return ErrNotRunning
	}
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		return fmt.Errorf("signal %d to the container: %w", sig, err)
	}
	return nil
}

// ErrNotRunning says it in runc's words: containerd's shim recognises
// them, and takes a kill of an exited container as done.
var ErrNotRunning = errors.New("container not running")

// ErrNotExist is the error of an ID that names no container.
var ErrNotExist = errors.New("container does not exist")
