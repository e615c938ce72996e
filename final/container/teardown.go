package container

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/events"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/state"
)

// teardown undoes what a container holds while it runs: what is left of
// its processes, its cgroup and its mounts. Its writable layer and log
// stay. It can run any number of times, from any mydocker process.
func teardown(st *state.Container) error { return teardownWith(st, false) }

// teardownWith is teardown; leaveVeth leaves the container's veth for the
// kernel to delete with its network namespace (see
// network.DisconnectLeavingVeth), for the monitor of a container whose
// processes it has seen gone.
func teardownWith(st *state.Container, leaveVeth bool) error {
	if err := stopProcesses(st.ID); err != nil {
		return err
	}
	if err := st.Workspace().Unmount(); err != nil {
		return err
	}
	// Last: giving the address back writes the network's files, which a
	// full disk refuses, and the mounts must go whatever happens.
	return disconnect(st, leaveVeth)
}

// disconnect takes the container off its networks: its rules and
// veths, its addresses and ports given back, and its names forgotten by
// the others on them.
func disconnect(st *state.Container, leaveVeth bool) error {
	for _, ep := range st.Endpoints() {
		if err := disconnectOne(st, ep, leaveVeth); err != nil {
			return err
		}
	}
	return nil
}

// disconnectOne takes the container off the network of ep.
func disconnectOne(st *state.Container, ep *network.Endpoint, leaveVeth bool) error {
	nets := network.Store{Root: st.Root()}
	off := nets.Disconnect
	if leaveVeth {
		off = nets.DisconnectLeavingVeth
	}
	if err := off(ep, st.ID); err != nil {
		return err
	}
	events.Log(st.Root(), events.Network, "disconnect", ep.Network,
		map[string]string{"name": ep.Network, "type": "bridge", "container": st.ID})
	return updatePeers(state.Store{Root: st.Root()}, ep.Network, st.ID)
}

// stopProcesses kills what is left in the cgroup of the container id, and
// removes the cgroup.
func stopProcesses(id string) error {
	if !state.IsID(id) {
		return nil
	}
	pids, err := cgroups.Procs(id)
	if err != nil {
		return err
	}
	if len(pids) > 0 {
		thaw(id) // a paused container's, or they would never die
	}
	for _, pid := range pids {
		inCgroup := func() bool { return cgroups.Contains(pid, id) }
		if err := killProcess(pid, inCgroup); err != nil {
			return err
		}
	}
	return cgroups.Remove(id)
}

// destroy removes a container, with its lock held: its processes, cgroup,
// mounts, directory and name. It writes nothing before it has freed
// everything, so that it also works, and frees space, on a full disk.
func destroy(store state.Store, st *state.Container, leaveVeth, volumes bool) error {
	if err := stopProcesses(st.ID); err != nil {
		return err
	}
	if err := store.Remove(st); err != nil {
		return err
	}
	logEvent(st, "destroy", nil)
	if volumes {
		removeAnonymousVolumes(store, st)
	}
	// The container is gone: a network that cannot be written to now
	// (a full disk) keeps its address until it is collected, and that is
	// no failure of the removal.
	if err := disconnect(st, leaveVeth); err != nil {
		logrus.WithError(err).WithField("container", st.Name).Warn("give back the network address")
	}
	return nil
}

// destroyDamaged removes a damaged container (see state.Damaged) with
// what its ID names: its monitor and the processes of its cgroup, its
// mounts, its directory. Its name is freed by state.Store.CollectNames, once nothing points to
// it. Its network address, which only config.json named, stays taken.
func destroyDamaged(store state.Store, d state.Damaged) error {
	// Its monitor first: it would restart the container, or try to
	// record its end in a config.json it cannot read.
	if err := stopMonitor(d.ID); err != nil {
		return err
	}
	lock, err := d.Lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := stopProcesses(d.ID); err != nil {
		return err
	}
	ws := overlay.Workspace{Path: d.Dir + "/fs"}
	if err := ws.Unmount(); err != nil {
		return err
	}
	if err := overlay.RemoveAll(d.Dir); err != nil {
		return err
	}
	store.CollectNames()
	return nil
}

// stopMonitor kills the processes in the monitor's cgroup of the
// container id, and removes that cgroup.
func stopMonitor(id string) error {
	pids, err := cgroups.MonitorProcs(id)
	if err != nil {
		return err
	}
	for _, pid := range pids {
		inCgroup := func() bool { return cgroups.MonitorContains(pid, id) }
		if err := killProcess(pid, inCgroup); err != nil {
			return err
		}
	}
	return cgroups.RemoveMonitor(id)
}

// finish records that the container has exited, with its exit code when
// it is known, once it is torn down; with --rm it is removed instead.
func finish(store state.Store, st *state.Container, code *int) error {
	return finishWith(store, st, code, false)
}

// finishWith is finish, with teardownWith's leaveVeth.
func finishWith(store state.Store, st *state.Container, code *int, leaveVeth bool) error {
	return store.Change(st, func(now *state.Container) error {
		// Read while its cgroup, which counts the kills, is still there.
		oomKilled := cgroups.OOMKilled(now.ID)
		die := map[string]string{}
		if code != nil {
			die["exitCode"] = strconv.Itoa(*code)
		}
		logEvent(now, "die", die) // before destroy's, as docker's
		var err error
		if now.AutoRemove {
			err = destroy(store, now, leaveVeth, true) // --rm: its anonymous volumes too, as docker
		} else {
			err = teardownWith(now, leaveVeth)
		}
		if err != nil {
			return fmt.Errorf("container %s: %w", now.Name, err)
		}
		now.Status, now.FinishedAt = state.Exited, time.Now()
		now.OOMKilled = oomKilled
		if code != nil {
			now.ExitCode = code
		}
		*st = *now
		if now.AutoRemove {
			return nil
		}
		return now.Save()
	})
}

// discard removes a container that never ran: nothing of it is kept.
func discard(store state.Store, st *state.Container) {
	_ = store.Change(st, func(now *state.Container) error { return destroy(store, now, false, true) })
}
