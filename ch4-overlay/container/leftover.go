package container

import (
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/ch4-overlay/cgroups"
	"github.com/mydocker/mydocker/ch4-overlay/overlay"
)

// removeLeftovers cleans up after a run whose mydocker was killed (kill
// -9) before it could: its container, its cgroup and its workspace, in
// that order. The workspace goes last because it holds the run's ID, which
// names the cgroup: removed first, a cgroup that would not go away (yet)
// could never be found again.
func removeLeftovers(ws overlay.Workspace) error {
	id, found := ws.LeftoverID()
	if !found {
		return nil
	}
	logrus.WithField("run", id).Info("removing what a killed run left behind")
	if err := stopLeftover(ws, id); err != nil {
		return fmt.Errorf("stop the container of a killed run: %w", err)
	}
	if isRunID(id) {
		if err := cgroups.Remove(id); err != nil {
			return fmt.Errorf("remove the leftovers of a killed run: %w", err)
		}
	} else {
		// Killed before it wrote its ID, so before it made a cgroup. An
		// empty ID must never reach cgroups.Remove: it would name the
		// parent that every container shares.
		logrus.WithField("run", id).Debug("the killed run recorded no ID: no cgroup to remove")
	}
	if err := ws.Remove(); err != nil {
		return fmt.Errorf("remove the leftovers of a killed run: %w", err)
	}
	return nil
}

// stopLeftover kills what still runs of a killed run's container. It
// should have died with its mydocker (Pdeathsig), but some kernels (seen
// on 6.1) do not deliver that signal to the init of a PID namespace. Its
// init is the pid with the start time the run recorded; anything else is
// found through its cgroup, when it has one.
func stopLeftover(ws overlay.Workspace, id string) error {
	if p, alive := ws.LeftoverProcess(); alive {
		if err := killProcess(p.PID, p.Alive); err != nil {
			return err
		}
	}
	if !isRunID(id) {
		return nil
	}
	pids, err := cgroups.Procs(id)
	if err != nil {
		return err
	}
	for _, pid := range pids {
		inCgroup := func() bool { return cgroups.Contains(pid, id) }
		if err := killProcess(pid, inCgroup); err != nil {
			return err
		}
	}
	return nil
}
