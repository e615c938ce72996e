package container

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mydocker/mydocker/ch6-network/cgroups/resources"
	"github.com/mydocker/mydocker/ch6-network/internal/atomicfile"
	"github.com/mydocker/mydocker/ch6-network/network"
	"github.com/mydocker/mydocker/ch6-network/overlay"
)

// Status is where a container is in its life.
type Status string

const (
	// Created: its init waits at the start barrier.
	Created Status = "created"
	// Running: its command runs.
	Running Status = "running"
	// Exited: its command ended (or never started); it holds no mount
	// and no cgroup, only its writable layer and log, until rm.
	Exited Status = "exited"
)

// State is a container's config.json (book 5.2): what it is, and what was
// made for it. It is written before each thing is made, so that whichever
// mydocker process finds a container half-made can undo it: everything a
// container has is named by its ID or lives in its directory.
type State struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Image      string              `json:"image"`
	Command    []string            `json:"command"`
	Env        []string            `json:"env"`
	Created    time.Time           `json:"created"`
	Status     Status              `json:"status"`
	Detached   bool                `json:"detached"`
	AutoRemove bool                `json:"autoRemove"`
	Volumes    []overlay.Volume    `json:"volumes,omitempty"`
	Resources  resources.Resources `json:"resources"`
	// Lower is the version of the image's layer that the container's
	// overlay is made on: it stays while the container does, whatever
	// becomes of the image (image.Store.Collect).
	Lower string `json:"lower,omitempty"`
	// Init is the container's PID 1 as the host sees it, with its start
	// time, so that a reused pid never makes a dead container look alive.
	Init Process `json:"init"`
	// Owner is the mydocker that runs a foreground container: when it is
	// gone (kill -9), so must the container be.
	Owner Process `json:"owner"`
	// ExitCode is known when a mydocker waited for the container; nobody
	// waits for a detached one (the book has no monitor process).
	ExitCode *int `json:"exitCode,omitempty"`
	// Endpoint is the container's place on a network (book 6.3), when it
	// has one: recorded before it is made, undone by teardown.
	Endpoint *network.Endpoint `json:"endpoint,omitempty"`

	dir string // <root>/containers/<id>
}

// ShortID is the ID as ps shows it: 12 hex digits, as docker.
func (s *State) ShortID() string { return s.ID[:12] }

// Dir is the container's directory.
func (s *State) Dir() string { return s.dir }

// Workspace is the container's filesystem, under its directory.
func (s *State) Workspace() overlay.Workspace {
	return overlay.Workspace{Path: s.dir + "/fs"}
}

// LogPath is where a detached container's output goes (book 5.3).
func (s *State) LogPath() string { return s.dir + "/container.log" }

func (s *State) configPath() string { return s.dir + "/config.json" }

// root is mydocker's --root: <root>/containers/<id>.
func (s *State) root() string { return filepath.Dir(filepath.Dir(s.dir)) }

// IP is the container's address, or "" without a network or once it
// has exited.
func (s *State) IP() string {
	// An exited container gave its address back: another may have it now.
	if s.Endpoint == nil || s.Status == Exited {
		return ""
	}
	return s.Endpoint.IP
}

// save writes config.json atomically.
func (s *State) save() error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.configPath(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save container %s: %w", s.ShortID(), err)
	}
	return nil
}

// loadState reads the config.json in dir.
func loadState(dir string) (*State, error) {
	b, err := os.ReadFile(dir + "/config.json")
	if err != nil {
		return nil, err
	}
	s := &State{dir: dir}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("read %s/config.json: %w", dir, err)
	}
	return s, nil
}

// check refuses a config.json that parses but cannot be this container's:
// its ID and name name files and a cgroup, which a damaged one must not.
func (s *State) check(id string) error {
	switch {
	case s.ID != id:
		return fmt.Errorf("%s: the ID is %q, not the directory's", s.configPath(), s.ID)
	case !validName.MatchString(s.Name):
		return fmt.Errorf("%s: invalid name %q", s.configPath(), s.Name)
	case s.Status != Created && s.Status != Running && s.Status != Exited:
		return fmt.Errorf("%s: unknown status %q", s.configPath(), s.Status)
	}
	return nil
}

// StatusText is STATUS in ps: "running", "exited (N)" when the code is
// known, "exited" when it is not.
func (s *State) StatusText() string {
	if s.Status == Exited && s.ExitCode != nil {
		return fmt.Sprintf("exited (%d)", *s.ExitCode)
	}
	return string(s.Status)
}
