package container

import (
	"fmt"
	"os"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/state"
)

// FreezeForCommit pauses the running container st while a commit reads
// its changes, as docker commit does by default, so that its writes do
// not land half in the image. It records this process as the container's
// Committer first, under the container's lock, then freezes it: a commit
// killed at any point leaves either no freeze or one that the next
// reconcile thaws (ThawAbandonedCommit). A container that is not running,
// or that is paused already (by the user, or by another commit), is left
// as it is, as docker leaves it: thaw then does nothing. Call thaw when
// the commit is done, whether it worked or not.
func FreezeForCommit(store state.Store, st *state.Container) (thaw func(), err error) {
	me, err := state.ProcessOf(os.Getpid())
	if err != nil {
		return nil, err
	}
	froze := false
	err = store.Change(st, func(now *state.Container) error {
		if !now.Running() || now.Paused() {
			return nil
		}
		now.Committer = &me
		if err := now.Save(); err != nil {
			return fmt.Errorf("pause %s for the commit: record it: %w", now.Name, err)
		}
		if err := cgroups.Pause(now.ID); err != nil {
			now.Committer = nil
			_ = now.Save()
			return fmt.Errorf("pause %s for the commit: %w", now.Name, err)
		}
		froze = true
		logEvent(now, "pause", nil)
		return nil
	})
	if err != nil || !froze {
		return func() {}, err
	}
	return func() { thawCommitted(store, st, me) }, nil
}

// thawCommitted undoes FreezeForCommit of the committer me: the thaw
// first, then the record cleared, so that a kill between the two leaves
// a record of a freeze that is over, which is harmless, never a freeze
// with no record. A container whose record is another's (the user
// unpaused it, and maybe paused it again, meanwhile) is not the commit's
// to thaw.
func thawCommitted(store state.Store, st *state.Container, me state.Process) {
	err := store.Change(st, func(now *state.Container) error {
		if now.Committer == nil || *now.Committer != me {
			return nil
		}
		return endCommitFreeze(now)
	})
	if err != nil {
		logrus.WithError(err).WithField("container", st.Name).Warn("unpause the container after the commit")
	}
}

// endCommitFreeze thaws now, frozen for a commit, and clears its record.
// Called with the container's lock held.
func endCommitFreeze(now *state.Container) error {
	if cgroups.Paused(now.ID) {
		if err := cgroups.Resume(now.ID); err != nil {
			return err
		}
		logEvent(now, "unpause", nil)
	}
	now.Committer = nil
	return now.Save()
}

// CommitAbandoned reports whether st records a committer that is gone:
// a commit killed while it had the container frozen, or about to.
func CommitAbandoned(st *state.Container) bool {
	return st.Committer != nil && !st.Committer.Alive()
}

// ThawAbandonedCommit thaws st when the commit that froze it is gone
// (kill -9 half-way), and clears the record; it reports whether it
// found one. reconcile calls it for every container, so that ps, inspect
// and every command that names the container undo such a freeze.
func ThawAbandonedCommit(store state.Store, st *state.Container) (bool, error) {
	if !CommitAbandoned(st) {
		return false, nil
	}
	found := false
	err := store.Change(st, func(now *state.Container) error {
		if !CommitAbandoned(now) {
			return nil // its commit ended meanwhile, or another took over
		}
		found = true
		return endCommitFreeze(now)
	})
	if err != nil {
		return found, fmt.Errorf("thaw %s, frozen by a commit that was killed: %w", st.Name, err)
	}
	return found, nil
}
