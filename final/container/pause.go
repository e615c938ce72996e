package container

import (
	"fmt"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
)

// Pause freezes every process of a running container (cgroup v1's
// freezer.state, v2's cgroup.freeze), as docker pause. Its state records
// nothing: the freezer is the record (state.Container.Paused), so a pause
// killed half-way never leaves a record that lies. (A commit's freeze is
// recorded, as state.Container.Committer, for the thaw of a commit that
// is killed: FreezeForCommit.) The container's lock
// is held, so that a stop or rm does not run between the check and the
// freeze.
func Pause(store state.Store, st *state.Container) error {
	return store.Change(st, func(now *state.Container) error {
		switch {
		case !now.Running():
			return fmt.Errorf("container %s is not running", now.ID)
		case now.Paused():
			return fmt.Errorf("container %s is already paused", now.ID)
		}
		if err := clearCommitter(now); err != nil {
			return err
		}
		if err := cgroups.Pause(now.ID); err != nil {
			return err
		}
		logEvent(now, "pause", nil)
		return nil
	})
}

// Unpause thaws a paused container, as docker unpause.
func Unpause(store state.Store, st *state.Container) error {
	return store.Change(st, func(now *state.Container) error {
		if !now.Running() || !now.Paused() {
			return fmt.Errorf("container %s is not paused", now.ID)
		}
		if err := cgroups.Resume(now.ID); err != nil {
			return err
		}
		logEvent(now, "unpause", nil)
		return clearCommitter(now)
	})
}

// clearCommitter forgets the commit that froze now, if one did: the user
// takes the freezer over (a pause of theirs is not the commit's to thaw;
// an unpause has thawed the commit's). Called with the lock held.
func clearCommitter(now *state.Container) error {
	if now.Committer == nil {
		return nil
	}
	now.Committer = nil
	return now.Save()
}

// thaw lets the frozen processes of the container id run again, so that
// a signal sent to end them (before or after) takes effect: on cgroup v1
// not even SIGKILL wakes a frozen task. Stop, kill and rm do it, as
// docker's do; every teardown does too, for a container paused when its
// monitor was killed. A failure is a warning: the kill's own wait says
// what it means.
func thaw(id string) {
	if !cgroups.Paused(id) {
		return
	}
	if err := cgroups.Resume(id); err != nil {
		logrus.WithError(err).WithField("container", id[:min(12, len(id))]).Warn("thaw the container")
	}
}

// UnpauseRef thaws the container that ref names, as docker unpause. One
// frozen by a commit that was killed is thawed for it: the reconcile would
// thaw it first, and the unpause then say it is not paused.
func UnpauseRef(store state.Store, ref string) error {
	if st, err := store.Find(ref); err == nil && CommitAbandoned(st) && st.Paused() {
		if thawed, err := ThawAbandonedCommit(store, st); thawed || err != nil {
			return err
		}
	}
	st, err := FindReconciled(store, ref)
	if err != nil {
		return err
	}
	return Unpause(store, st)
}
