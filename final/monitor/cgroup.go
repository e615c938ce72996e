package monitor

import (
	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
)

// monitorCgroupOf is the container whose monitor's cgroup we joined: a
// monitor process watches one container.
var monitorCgroupOf string

// joinMonitorCgroup moves us, the container id's monitor, into a cgroup
// of our own (cgroups.JoinMonitor), out of the caller's: a systemd unit
// or session that ends then kills neither us nor the container. Our
// session is our own already (monitor.Start's setsid): the terminal's
// SIGHUP never reaches us. Where cgroups cannot be written (in a
// container) we stay where we are.
func joinMonitorCgroup(id string) {
	if monitorCgroupOf == id {
		return
	}
	if err := cgroups.JoinMonitor(id); err != nil {
		logrus.WithError(err).Debug("the monitor stays in its caller's cgroup")
		return
	}
	monitorCgroupOf = id
}

// leaveMonitorCgroup removes our cgroup as we exit.
func leaveMonitorCgroup() {
	if monitorCgroupOf != "" {
		cgroups.LeaveMonitor(monitorCgroupOf)
	}
}
