package container

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/state"
)

// A list read while a "run -d" was still starting its container says
// "created, owner alive"; by the time the owner is seen dead, it has
// marked the container running and returned. Reconcile must act on what
// was written last, and leave the running container alone.
func TestReconcileActsOnTheStateAsSavedNotOnAStaleList(t *testing.T) {
	s := state.Store{Root: t.TempDir()}
	st := newTestContainer(t, s, "fresh")

	gone := exec.Command("true")
	require.NoError(t, gone.Run())
	deadOwner := state.Process{PID: gone.Process.Pid, Start: 1}
	me, err := state.ProcessOf(os.Getpid()) // stands in for the container's init
	require.NoError(t, err)

	st.Status, st.Detached, st.Owner, st.Init = state.Running, true, deadOwner, me
	require.NoError(t, st.Save())
	stale := *st
	stale.Status, stale.Init = state.Created, state.Process{}

	seen, err := reconcile(s, &stale)
	require.NoError(t, err)
	assert.Equal(t, state.Running, seen.Status, "what it returns is what it acted on")
	now, err := s.Find("fresh")
	require.NoError(t, err, "the running container is kept")
	assert.Equal(t, state.Running, now.Status)
}

// A command that names a container reconciles it alone: one whose
// mydocker is gone is ended there (exited, no exit code), and another in
// the same state, not named, is left to the full pass of ps or run.
func TestReconcileOneEndsOnlyTheContainerNamed(t *testing.T) {
	s := state.Store{Root: t.TempDir()}
	gone := exec.Command("true")
	require.NoError(t, gone.Run())
	deadOwner := state.Process{PID: gone.Process.Pid, Start: 1}
	named, other := newTestContainer(t, s, "named"), newTestContainer(t, s, "other")
	for _, st := range []*state.Container{named, other} {
		st.Status, st.Detached, st.Owner = state.Running, true, deadOwner
		require.NoError(t, st.Save())
	}

	now := ReconcileOne(s, named)

	require.NotNil(t, now)
	assert.Equal(t, state.Exited, now.Status)
	assert.Nil(t, now.ExitCode, "nobody saw it exit")
	left, err := s.Find("other")
	require.NoError(t, err)
	assert.Equal(t, state.Running, left.Status, "not named: not read, not changed")
}

// Reconcile, which every command runs first, never removes a container
// whose config.json cannot be read: it may run, and its layer may be the
// only copy of its data. ps lists it apart, and rm -f finds it.
func TestReconcileKeepsADamagedContainer(t *testing.T) {
	s := state.Store{Root: t.TempDir()}
	good := newTestContainer(t, s, "good")
	bad := newTestContainer(t, s, "bad")
	require.NoError(t, os.WriteFile(filepath.Join(bad.Dir(), "config.json"), []byte(`{"id": tr`), 0o600))
	listed, listedDamaged, err := Reconcile(s)
	require.NoError(t, err)
	states, damaged, err := s.ListAll()
	require.NoError(t, err)
	require.Len(t, states, 1)
	assert.Equal(t, good.ID, states[0].ID)
	require.Len(t, damaged, 1)
	assert.DirExists(t, bad.Dir())
	// What Reconcile returns is what the store holds: ps prints it.
	require.Len(t, listed, 1)
	assert.Equal(t, good.ID, listed[0].ID)
	assert.Equal(t, damaged, listedDamaged)
}

// newTestContainer records an exited container named name ("" for a
// made-up one) in s.
func newTestContainer(t *testing.T, s state.Store, name string) *state.Container {
	t.Helper()
	st := &state.Container{ID: state.NewID(), Name: name, Created: time.Now(), Status: state.Exited}
	require.NoError(t, s.Create(st))
	return st
}
