package container

import (
	"github.com/mydocker/mydocker/final/events"
	"github.com/mydocker/mydocker/final/state"
)

// logEvent writes the container's event action to the events log, with
// docker's attributes: its name and image, and extra (exitCode, signal).
func logEvent(st *state.Container, action string, extra map[string]string) {
	attrs := map[string]string{"name": st.Name, "image": st.Image}
	for k, v := range extra {
		attrs[k] = v
	}
	events.Log(st.Root(), events.Container, action, st.ID, attrs)
}

// LogEvent is logEvent for the CLI's commands (stop, kill, restart...).
func LogEvent(st *state.Container, action string, extra map[string]string) {
	logEvent(st, action, extra)
}
