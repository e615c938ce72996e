package container

import (
	"fmt"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/ch4-export/cgroups"
	"github.com/mydocker/mydocker/ch4-export/overlay"
)

// removeLeftovers cleans up after a run whose mydocker was killed (kill
// -9) before it could: its container, its workspace and its cgroup.
func removeLeftovers(ws overlay.Workspace) error {
	id, found := ws.LeftoverID()
	if !found {
		return nil
	}
	logrus.WithField("run", id).Info("removing what a killed run left behind")
	// The container should have died with its mydocker (Pdeathsig), but
	// some kernels (seen on 6.1) do not deliver that signal to the init of
	// a PID namespace. Killing its init ends the whole namespace.
	if p, alive := ws.LeftoverProcess(); alive {
		if err := killAndWait(p); err != nil {
			return fmt.Errorf("stop the container of a killed run: %w", err)
		}
	}
	if err := ws.Remove(); err != nil {
		return fmt.Errorf("remove the leftovers of a killed run: %w", err)
	}
	if err := cgroups.Remove(id); err != nil {
		return fmt.Errorf("remove the leftovers of a killed run: %w", err)
	}
	return nil
}

// killAndWait sends SIGKILL to p and waits (up to 10 s) until it is gone.
func killAndWait(p overlay.Process) error {
	if err := syscall.Kill(p.PID, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
		return fmt.Errorf("kill %d: %w", p.PID, err)
	}
	for i := 0; i < 1000 && p.Alive(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if p.Alive() {
		return fmt.Errorf("process %d still runs after SIGKILL", p.PID)
	}
	return nil
}
