package container

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/overlay"
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

// Config is what a container runs, as docker's container config: its
// image's config with the run flags over it. commit makes it the new
// image's config.
type Config struct {
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	Env        []string `json:"env,omitempty"` // the image's, with -e over it
	WorkingDir string   `json:"workingDir,omitempty"`
	User       string   `json:"user,omitempty"`
}

// State is a container's config.json (book 5.2): what it is, and what was
// made for it. It is written before each thing is made, so that whichever
// mydocker process finds a container half-made can undo it: everything a
// container has is named by its ID or lives in its directory.
type State struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Image      string           `json:"image"`   // as the user named it
	ImageID    string           `json:"imageID"` // what it was then
	Config     Config           `json:"config"`
	Command    []string         `json:"command"`
	Env        []string         `json:"env"`
	Created    time.Time        `json:"created"`
	Status     Status           `json:"status"`
	Detached   bool             `json:"detached"`
	AutoRemove bool             `json:"autoRemove"`
	Volumes    []overlay.Volume `json:"volumes,omitempty"`
	// ReadOnly: its root filesystem is mounted read-only (--read-only).
	ReadOnly bool `json:"readOnly,omitempty"`
	// Hostname is --hostname; "" means the short ID, as docker.
	Hostname string `json:"hostname,omitempty"`
	// TTY: it has a terminal (-t); OpenStdin: its clients' input reaches
	// it (-i). attach connects as they say.
	TTY       bool `json:"tty,omitempty"`
	OpenStdin bool `json:"openStdin,omitempty"`
	// HostNetwork: it shares the host's network namespace (--network host).
	HostNetwork bool                `json:"hostNetwork,omitempty"`
	Resources   resources.Resources `json:"resources"`
	// Init is the container's PID 1 as the host sees it, with its start
	// time, so that a reused pid never makes a dead container look alive.
	Init Process `json:"init"`
	// Owner is the mydocker that runs a foreground container, or the
	// monitor of a detached one (Monitored): when it is gone (kill -9), so
	// must the container be.
	Owner     Process `json:"owner"`
	Monitored bool    `json:"monitored,omitempty"`
	// Restart is the --restart policy that the monitor applies; Restarts
	// counts what it has done. StopRequested, set by stop and rm, ends it.
	Restart       RestartPolicy `json:"restart,omitempty"`
	Restarts      int           `json:"restarts,omitempty"`
	NotStarted    bool          `json:"notStarted,omitempty"` // made by create, not started yet
	StopRequested bool          `json:"stopRequested,omitempty"`
	// ExitCode is known when a mydocker waited for the container: the
	// foreground run, or the monitor of a detached one.
	ExitCode *int `json:"exitCode,omitempty"`
	// StartedAt and FinishedAt are when its command last started and
	// when it was last seen to have ended.
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Endpoint is the container's place on a network (book 6.3), when it
	// has one: recorded before it is made, undone by teardown.
	Endpoint *network.Endpoint `json:"endpoint,omitempty"`

	dir string // <root>/containers/<id>
}

// HostnameOrID is the container's host name: --hostname, or its short ID.
func (s *State) HostnameOrID() string { return hostnameOr(s.Hostname, s.ID) }

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

// IP is the container's address, or "" without a network.
func (s *State) IP() string {
	if s.Endpoint == nil {
		return ""
	}
	return s.Endpoint.IP
}
func (s *State) lockPath() string { return s.dir + "/lock" }

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

// StatusText is STATUS in ps: "running", "exited (N)" when the code is
// known, "exited" when it is not.
func (s *State) StatusText() string {
	if s.Status == Exited && s.ExitCode != nil {
		return fmt.Sprintf("exited (%d)", *s.ExitCode)
	}
	return string(s.Status)
}

// Running reports whether the container's command runs now.
func (s *State) Running() bool { return s.Status == Running && s.Init.Alive() }
