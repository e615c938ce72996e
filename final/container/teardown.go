package container

import (
	"fmt"
	"time"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/network"
)

// teardown undoes what a container holds while it runs: what is left of
// its processes, its cgroup and its mounts. Its writable layer and log
// stay. It can run any number of times, from any mydocker process.
func teardown(st *State) error { return teardownWith(st, false) }

// teardownWith is teardown; leaveVeth leaves the container's veth for the
// kernel to delete with its network namespace (see
// network.DisconnectLeavingVeth), for the monitor of a container whose
// processes it has seen gone.
func teardownWith(st *State, leaveVeth bool) error {
	if isID(st.ID) {
		pids, err := cgroups.Procs(st.ID)
		if err != nil {
			return err
		}
		for _, pid := range pids {
			inCgroup := func() bool { return cgroups.Contains(pid, st.ID) }
			if err := killProcess(pid, inCgroup); err != nil {
				return err
			}
		}
		if err := cgroups.Remove(st.ID); err != nil {
			return err
		}
	}
	if st.Endpoint != nil {
		nets := network.Store{Root: st.root()}
		disconnect := nets.Disconnect
		if leaveVeth {
			disconnect = nets.DisconnectLeavingVeth
		}
		if err := disconnect(st.Endpoint, st.ID); err != nil {
			return err
		}
		// The others on its network forget its name.
		if err := updatePeers(Store{Root: st.root()}, st.Endpoint.Network, st.ID); err != nil {
			return err
		}
	}
	return st.Workspace().Unmount()
}

// finish records that the container has exited, with its exit code when
// it is known, once it is torn down; with --rm it is removed instead.
func finish(store Store, st *State, code *int) error { return finishWith(store, st, code, false) }

// finishWith is finish, with teardownWith's leaveVeth.
func finishWith(store Store, st *State, code *int, leaveVeth bool) error {
	return store.change(st, func(now *State) error {
		if err := teardownWith(now, leaveVeth); err != nil {
			return fmt.Errorf("container %s: %w", now.Name, err)
		}
		now.Status, now.FinishedAt = Exited, time.Now()
		if code != nil {
			now.ExitCode = code
		}
		*st = *now
		if now.AutoRemove {
			return store.remove(now)
		}
		return now.save()
	})
}

// discard removes a container that never ran: nothing of it is kept.
func discard(store Store, st *State) {
	if err := teardown(st); err == nil {
		_ = store.remove(st)
	}
}
