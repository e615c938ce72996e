package state

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/smallfile"
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
	// ExposedPorts are the image's, with --expose and -p's: 80/tcp.
	ExposedPorts map[string]struct{} `json:"exposedPorts,omitempty"`
	// Labels are the image's with --label over them; StopSignal is
	// --stop-signal or the image's STOPSIGNAL, as given (stop sends it,
	// SIGTERM when empty); StopTimeout is --stop-timeout, the seconds stop
	// waits when not told (10 when nil), as docker's.
	Labels      map[string]string `json:"labels,omitempty"`
	StopSignal  string            `json:"stopSignal,omitempty"`
	StopTimeout *int              `json:"stopTimeout,omitempty"`
}

// Container is a container's config.json (book 5.2): what it is, and
// what was made for it. It is written before each thing is made, so that
// whichever mydocker process finds a container half-made can undo it:
// everything a container has is named by its ID or lives in its directory.
type Container struct {
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
	Tmpfs      []overlay.Tmpfs  `json:"tmpfs,omitempty"`
	// ReadOnly: its root filesystem is mounted read-only (--read-only).
	ReadOnly bool `json:"readOnly,omitempty"`
	// Hostname is --hostname; "" means the short ID, as docker.
	Hostname string `json:"hostname,omitempty"`
	// DNS is --dns, --dns-search, --dns-option and --add-host.
	DNS DNSConfig `json:"dns,omitzero"`
	// Healthcheck is its check (the image's HEALTHCHECK, --health-*),
	// which its monitor runs; Health is where the checks stand.
	Healthcheck *HealthConfig `json:"healthcheck,omitempty"`
	Health      *Health       `json:"health,omitempty"`
	// Security is how it is confined (--privileged, --cap-add, ...): exec
	// gets the same.
	Security SecurityOptions `json:"security,omitempty"`
	// TTY: it has a terminal (-t); OpenStdin: its clients' input reaches
	// it (-i). attach connects as they say.
	TTY       bool `json:"tty,omitempty"`
	OpenStdin bool `json:"openStdin,omitempty"`
	// HostNetwork: it shares the host's network namespace (--network host).
	HostNetwork bool `json:"hostNetwork,omitempty"`
	// NetworkContainer is the ID of the container whose network namespace
	// it shares (--network container:NAME), and whose hosts and
	// resolv.conf it sees.
	NetworkContainer string              `json:"networkContainer,omitempty"`
	Resources        resources.Resources `json:"resources"`
	// Process is how its init sets up the command (--ulimit, --init...).
	Process ProcessOptions `json:"process,omitzero"`
	// Init is the container's PID 1 as the host sees it, with its start
	// time, so that a reused pid never makes a dead container look alive.
	Init Process `json:"init"`
	// Owner is the mydocker that runs a foreground container, or the
	// monitor of a detached one (Monitored): when it is gone (kill -9), so
	// must the container be.
	Owner     Process `json:"owner"`
	Monitored bool    `json:"monitored,omitempty"`
	// Committer is the mydocker commit that froze the container to read
	// its changes (commit --pause, the default), recorded under its lock
	// before the freeze and cleared after the thaw. There is no daemon to
	// thaw it if that commit is killed half-way: whoever reconciles the
	// container then finds Committer gone, and thaws it. A pause or an
	// unpause by the user clears it: the freeze is then theirs.
	Committer *Process `json:"committer,omitempty"`
	// Restart is the --restart policy that the monitor applies; Restarts
	// counts what it has done. StopRequested, set by stop and rm, ends it.
	Restart       RestartPolicy `json:"restart,omitempty"`
	Restarts      int           `json:"restarts,omitempty"`
	NotStarted    bool          `json:"notStarted,omitempty"` // made by create, not started yet
	StopRequested bool          `json:"stopRequested,omitempty"`
	// ExitCode is known when a mydocker waited for the container: the
	// foreground run, or the monitor of a detached one.
	ExitCode *int `json:"exitCode,omitempty"`
	// OOMKilled: the kernel's OOM killer killed a process of its last
	// run (its memory cgroup said so before it went).
	OOMKilled bool `json:"oomKilled,omitempty"`
	// StartedAt and FinishedAt are when its command last started and
	// when it was last seen to have ended.
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Endpoint is the container's place on a network (book 6.3), when it
	// has one: recorded before it is made, undone by teardown.
	Endpoint *network.Endpoint `json:"endpoint,omitempty"`
	// MoreEndpoints are its places on its other networks (--network
	// given again, network connect), each its own slot (eth1, eth2...).
	MoreEndpoints []*network.Endpoint `json:"moreEndpoints,omitempty"`
	// PortBindings are the ports -p asked for, as asked (inspect's
	// HostConfig.PortBindings); PublishAll is -P. What the container got
	// is in its Endpoint.
	PortBindings []network.Port `json:"portBindings,omitempty"`
	PublishAll   bool           `json:"publishAll,omitempty"`

	dir string // <root>/containers/<id>
}

// HostnameOrID is the container's host name: --hostname, or its short ID.
func (s *Container) HostnameOrID() string {
	if s.Hostname != "" {
		return s.Hostname
	}
	return s.ID[:12]
}

// ShortID is the ID as ps shows it: 12 hex digits, as docker.
func (s *Container) ShortID() string { return s.ID[:12] }

// Dir is the container's directory.
func (s *Container) Dir() string { return s.dir }

// Workspace is the container's filesystem, under its directory.
func (s *Container) Workspace() overlay.Workspace {
	return overlay.Workspace{Path: s.dir + "/fs"}
}

// LogPath is where a detached container's output goes (book 5.3).
func (s *Container) LogPath() string { return s.dir + "/container.log" }

// EtcPath is where the container's copy of /etc/NAME is kept: its
// hostname, hosts and resolv.conf, which its init binds over the image's.
func (s *Container) EtcPath(name string) string { return filepath.Join(s.dir, name) }

// RunOptionsPath keeps what the container was created with, so that
// start can run it again: the image's layers, volumes, limits, network.
func (s *Container) RunOptionsPath() string { return filepath.Join(s.dir, "run.json") }

func (s *Container) configPath() string { return s.dir + "/config.json" }

// ConfigPath is its config.json, which changes (by a rename) whenever the
// container does.
func (s *Container) ConfigPath() string { return s.configPath() }

// Root is mydocker's --root, the store the container is in (its
// directory is <root>/containers/<id>): exec finds the seccomp cache there.
func (s *Container) Root() string { return filepath.Dir(filepath.Dir(s.dir)) }

// IP is the container's address, or "" without a network or once it
// has exited.
func (s *Container) IP() string {
	// An exited container gave its address back: another may have it now.
	if s.Endpoint == nil || s.Status == Exited {
		return ""
	}
	return s.Endpoint.IP
}

// Save writes config.json atomically, without syncing it to disk: what
// changes after the container's birth (its status, its processes, its
// address) is what a crash makes moot, as the next command's reconcile
// finds every process gone. runc keeps all of its state on tmpfs; the
// two fsyncs of each of a run's four to six saves were a quarter of its
// time. The birth itself is durable (Store.Create).
func (s *Container) Save() error {
	return s.save(false)
}

func (s *Container) save(durable bool) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	write := atomicfile.WriteVolatile
	if durable {
		write = atomicfile.Write
	}
	if err := write(s.configPath(), append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save container %s: %w", s.ShortID(), err)
	}
	return nil
}

// load reads the config.json in dir.
func load(dir string) (*Container, error) {
	b, err := smallfile.Read(dir + "/config.json")
	if err != nil {
		return nil, err
	}
	s := &Container{dir: dir}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("read %s/config.json: %w", dir, err)
	}
	return s, nil
}

// check refuses a config.json that parses but cannot be this container's:
// its ID and name name files and a cgroup, which a damaged one must not.
func (s *Container) check(id string) error {
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

// DockerStatus is the status as docker ps words it: "Up 5 minutes",
// "Exited (3) 2 seconds ago", "Created".
func (s *Container) DockerStatus(now time.Time) string {
	switch {
	case s.Status == Running && s.Init.Alive():
		if s.Paused() {
			return "Up " + HumanDuration(now.Sub(s.StartedAt)) + " (Paused)"
		}
		return "Up " + HumanDuration(now.Sub(s.StartedAt)) + s.healthSuffix()
	case s.Restarting():
		return fmt.Sprintf("Restarting (%d) %s ago", s.exitCode(), HumanDuration(now.Sub(s.FinishedAt)))
	case s.Status == Exited && s.ExitCode != nil:
		return fmt.Sprintf("Exited (%d) %s ago", *s.ExitCode, HumanDuration(now.Sub(s.FinishedAt)))
	case s.Status == Exited:
		return fmt.Sprintf("Exited %s ago", HumanDuration(now.Sub(s.FinishedAt)))
	case s.Status == Created:
		return "Created"
	}
	return string(s.Status)
}

// HumanDuration words d as docker does: "Less than a second",
// "3 seconds", "About a minute", "2 hours", "3 days".
func HumanDuration(d time.Duration) string {
	seconds := int(d.Seconds())
	switch {
	case seconds < 1:
		return "Less than a second"
	case seconds == 1:
		return "1 second"
	case seconds < 60:
		return fmt.Sprintf("%d seconds", seconds)
	}
	minutes := int(d.Minutes())
	switch {
	case minutes == 1:
		return "About a minute"
	case minutes < 60:
		return fmt.Sprintf("%d minutes", minutes)
	}
	hours := int(d.Hours() + 0.5)
	switch {
	case hours == 1:
		return "About an hour"
	case hours < 48:
		return fmt.Sprintf("%d hours", hours)
	case hours < 24*7*2:
		return fmt.Sprintf("%d days", hours/24)
	case hours < 24*30*2:
		return fmt.Sprintf("%d weeks", hours/24/7)
	case hours < 24*365*2:
		return fmt.Sprintf("%d months", hours/24/30)
	}
	return fmt.Sprintf("%d years", hours/24/365)
}

// Running reports whether the container's command runs now.
func (s *Container) Running() bool { return s.Status == Running && s.Init.Alive() }

// healthSuffix is docker's " (healthy)", " (health: starting)".
func (s *Container) healthSuffix() string {
	if s.Health == nil || !s.Healthcheck.Enabled() {
		return ""
	}
	if s.Health.Status == HealthStarting {
		return " (health: starting)"
	}
	return " (" + s.Health.Status + ")"
}

// Endpoints are all the container's places on networks: its first
// network's, then the others'.
func (s *Container) Endpoints() []*network.Endpoint {
	var eps []*network.Endpoint
	if s.Endpoint != nil {
		eps = append(eps, s.Endpoint)
	}
	return append(eps, s.MoreEndpoints...)
}

// EndpointOn is the container's place on the network name, or nil.
func (s *Container) EndpointOn(name string) *network.Endpoint {
	for _, ep := range s.Endpoints() {
		if ep.Network == name {
			return ep
		}
	}
	return nil
}

// NetworkAttach is one network a container joins at each start, past
// its first: its name and the container's aliases there.
type NetworkAttach struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}
