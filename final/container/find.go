package container

import "github.com/mydocker/mydocker/final/state"

// FindReconciled finds the container that ref names (a name, an ID, or a
// unique ID prefix) in store, brought up to date alone (ReconcileOne): a
// command or API request that names a container does not read the
// others. One that its reconcile removed (--rm, its mydocker gone) is not
// found, as it would not have been after a full pass.
func FindReconciled(store state.Store, ref string) (*state.Container, error) {
	st, err := store.Find(ref)
	if err != nil {
		return nil, err
	}
	if now := ReconcileOne(store, st); now != nil {
		return now, nil
	}
	return store.Find(ref)
}
