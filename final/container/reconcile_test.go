package container

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A list read while a "run -d" was still starting its container says
// "created, owner alive"; by the time the owner is seen dead, it has
// marked the container running and returned. Reconcile must act on what
// was written last, and leave the running container alone.
func TestReconcileActsOnTheStateAsSavedNotOnAStaleList(t *testing.T) {
	s := Store{Root: t.TempDir()}
	st := newTestState(t, s, newID(), "fresh")

	gone := exec.Command("true")
	require.NoError(t, gone.Run())
	deadOwner := Process{PID: gone.Process.Pid, Start: 1}
	me, err := processOf(os.Getpid()) // stands in for the container's init
	require.NoError(t, err)

	st.Status, st.Detached, st.Owner, st.Init = Running, true, deadOwner, me
	require.NoError(t, st.save())
	stale := *st
	stale.Status, stale.Init = Created, Process{}

	require.NoError(t, reconcile(s, &stale))
	now, err := s.Find("fresh")
	require.NoError(t, err, "the running container is kept")
	assert.Equal(t, Running, now.Status)
}
