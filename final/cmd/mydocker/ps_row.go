package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
)

// psRow is one container as docker ps's templates see it: the same field
// names ({{.ID}}, {{.Names}}, {{.Status}}...), and the same JSON keys for
// --format json.
type psRow struct {
	Command      string
	CreatedAt    string
	ID           string
	Image        string
	Labels       string
	LocalVolumes string
	Mounts       string
	Names        string
	Networks     string
	Ports        string
	RunningFor   string
	Size         string
	State        string
	Status       string

	labels map[string]string
	header bool
}

// Label is the value of one label, {{.Label "com.example.key"}}.
func (r psRow) Label(key string) string {
	if r.header {
		return "LABEL"
	}
	return r.labels[key]
}

// psHeader names the columns of a "table" format, as docker's.
var psHeader = psRow{
	Command: "COMMAND", CreatedAt: "CREATED AT", ID: "CONTAINER ID", Image: "IMAGE", Labels: "LABELS",
	LocalVolumes: "LOCAL VOLUMES", Mounts: "MOUNTS", Names: "NAMES", Networks: "NETWORKS", Ports: "PORTS",
	RunningFor: "CREATED", Size: "SIZE", State: "STATE", Status: "STATUS", header: true,
}

type psRowOptions struct {
	noTrunc bool
	size    bool // the writable layer's size is read: a walk of its files
	now     time.Time
}

// newPSRow is st as ps shows it.
func newPSRow(s state.Store, st *state.Container, o psRowOptions) psRow {
	command := dockerCommand(st.Command)
	if !o.noTrunc {
		command = ellipsis(command, 20)
	}
	labels := containerLabels(st)
	r := psRow{
		Command:    fmt.Sprintf("%q", command),
		CreatedAt:  st.Created.Local().Format("2006-01-02 15:04:05 -0700 MST"),
		ID:         idOf(st.ID, o.noTrunc),
		Image:      st.Image,
		Labels:     joinLabels(labels),
		Names:      st.Name,
		Networks:   networkOf(st),
		Ports:      portsColumn(st),
		RunningFor: state.HumanDuration(o.now.Sub(st.Created)) + " ago",
		State:      dockerState(st),
		Status:     st.DockerStatus(o.now),
		labels:     labels,
	}
	var mounts []string
	local := 0
	for _, v := range st.Volumes {
		name, named := (volume.Store{Root: s.Root}).NameOf(v.Host)
		if named {
			local++
		} else {
			name = v.Host
		}
		if !o.noTrunc {
			name = ellipsis(name, 15)
		}
		mounts = append(mounts, name)
	}
	r.Mounts = strings.Join(mounts, ",")
	r.LocalVolumes = fmt.Sprint(local)
	if o.size {
		r.Size = containerSize(s, st)
	}
	return r
}

// dockerCommand is the command as docker ps shows it: its words joined
// by spaces, one with a space in it between single quotes.
func dockerCommand(argv []string) string {
	words := make([]string, len(argv))
	for i, arg := range argv {
		if strings.Contains(arg, " ") {
			arg = "'" + arg + "'"
		}
		words[i] = arg
	}
	return strings.Join(words, " ")
}

// dockerState is docker's one-word state: created, restarting, running,
// paused, exited.
func dockerState(st *state.Container) string {
	if st.Status == state.Running && !st.Init.Alive() {
		return string(state.Exited)
	}
	return st.DockerState()
}

// networkOf is the network st is on: its name, host, or none.
func networkOf(st *state.Container) string {
	switch {
	case st.NetworkContainer != "":
		return "" // none of its own, as docker's ps shows it
	case st.HostNetwork:
		return "host"
	case st.Endpoint != nil || len(st.MoreEndpoints) > 0:
		var names []string
		for _, ep := range st.Endpoints() {
			names = append(names, ep.Network)
		}
		return strings.Join(names, ",")
	}
	return "none"
}

// containerLabels are st's labels: the image's with --label over them.
func containerLabels(st *state.Container) map[string]string { return st.Config.Labels }

// joinLabels is k=v,k2=v2, in key order.
func joinLabels(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + labels[k]
	}
	return strings.Join(keys, ",")
}

// containerSize is docker's SIZE: what the container wrote, and with its
// image's layers: "2B (virtual 4.26MB)". The writable layer is the
// container's to shape: it is walked inside an os.Root, which never
// leaves it, whatever symlinks or renames meet the walk.
func containerSize(s state.Store, st *state.Container) string {
	rw := volume.DirSize(st.Workspace().Upper())
	virtual := rw
	if img, err := (image.Store{Root: s.Root}).Get(st.ImageID); err == nil {
		virtual += img.Size()
	}
	return fmt.Sprintf("%s (virtual %s)", image.HumanSize(rw), image.HumanSize(virtual))
}
