package container

import (
	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/state"
)

// Rename renames a container, running or not, as docker rename. Its
// peers on each user network it is on find it by the new name at once:
// the networks' name tables, which their DNS servers answer from, are
// written again, as when it joined.
func Rename(store state.Store, st *state.Container, name string) error {
	err := store.Change(st, func(now *state.Container) error {
		old := now.Name
		if err := store.Rename(now, name); err != nil {
			return err
		}
		logEvent(now, "rename", map[string]string{"oldName": "/" + old})
		*st = *now
		return nil
	})
	if err != nil {
		return err
	}
	if !st.Running() {
		return nil
	}
	for _, ep := range st.Endpoints() {
		if err := updatePeers(store, ep.Network, ""); err != nil {
			logrus.WithError(err).WithField("container", name).Warn("tell its network's containers its new name")
		}
	}
	return nil
}
