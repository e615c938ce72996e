package container

import (
	"maps"

	"github.com/mydocker/mydocker/final/events"
	"github.com/mydocker/mydocker/final/state"
)

// logEvent writes the container's event action to the events log, with
// docker's attributes: its labels, its name and image, and extra
// (exitCode, signal). compose follows its containers by their labels.
func logEvent(st *state.Container, action string, extra map[string]string) {
	attrs := map[string]string{}
	maps.Copy(attrs, st.Config.Labels)
	attrs["name"], attrs["image"] = st.Name, st.Image
	maps.Copy(attrs, extra)
	events.Log(st.Root(), events.Container, action, st.ID, attrs)
}

// LogEvent is logEvent for the CLI's commands (stop, kill, restart...).
func LogEvent(st *state.Container, action string, extra map[string]string) {
	logEvent(st, action, extra)
}
