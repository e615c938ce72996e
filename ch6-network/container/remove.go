package container

import "fmt"

// Remove deletes a container (book 5.6): its writable layer, state, log
// and cgroup. A running container is refused unless force, which kills it
// first. A volume's host data is never deleted: every unmount is checked
// before anything is.
func Remove(store Store, st *State, force bool) error {
	if st.Status != Exited && st.Init.Alive() {
		if !force {
			return fmt.Errorf("%w: %s; stop it first, or use rm -f", ErrRunning, st.Name)
		}
		if err := killProcess(st.Init.PID, st.Init.Alive); err != nil {
			return fmt.Errorf("remove %s: %w", st.Name, err)
		}
	}
	// Once it is gone (and its lock let go), the layer it was the last to
	// use goes too.
	defer collectLayers(store)
	return store.change(st, func(now *State) error {
		if err := destroy(store, now); err != nil {
			return fmt.Errorf("remove %s: %w", now.Name, err)
		}
		return nil
	})
}

// RemoveDamaged deletes a container whose config.json cannot be read (rm
// -f of a Damaged one): what its ID names, its processes, cgroup, mounts
// and directory.
func RemoveDamaged(store Store, d Damaged) error {
	if err := destroyDamaged(store, d); err != nil {
		return fmt.Errorf("remove %s: %w", d.ID[:12], err)
	}
	return nil
}
