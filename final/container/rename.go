package container

import (
	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/state"
)

// Rename renames a container, running or not, as docker rename. Its
// peers on a user network find it by the new name at once: their
// /etc/hosts are rewritten, as when it joined.
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
	if st.Endpoint != nil && st.Running() {
		if err := updatePeers(store, st.Endpoint.Network, ""); err != nil {
			logrus.WithError(err).WithField("container", name).Warn("tell its network's containers its new name")
		}
	}
	return nil
}
