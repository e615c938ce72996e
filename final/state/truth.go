package state

import "github.com/mydocker/mydocker/final/cgroups"

// Paused reports whether the container runs with its processes frozen
// (pause). The freezer is the record: a pause or an unpause killed
// half-way leaves no file of ours to disagree with it.
func (s *Container) Paused() bool { return s.Running() && cgroups.Paused(s.ID) }

// Restarting reports whether the container has exited and its monitor
// waits to start it again, as its restart policy says: docker's
// State.Restarting, "Restarting (1) 2 seconds ago" in ps.
func (s *Container) Restarting() bool {
	if !s.Monitored || !s.Owner.Alive() {
		return false
	}
	switch s.Status {
	case Created:
		// The monitor starts it again: a restart keeps the last exit
		// code until the command runs (start and create have none).
		return !s.NotStarted && s.ExitCode != nil
	case Exited:
		return s.Restart.ShouldRestart(s.exitCode(), s.Restarts, s.StopRequested)
	}
	return false
}

// DockerState is the status as docker inspect's State.Status words it:
// created, running, paused, restarting or exited.
func (s *Container) DockerState() string {
	switch {
	case s.Restarting():
		return "restarting"
	case s.Paused():
		return "paused"
	}
	return string(s.Status)
}

// exitCode is the last exit code, 0 when none was seen.
func (s *Container) exitCode() int {
	if s.ExitCode == nil {
		return 0
	}
	return *s.ExitCode
}
