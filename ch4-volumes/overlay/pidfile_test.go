package overlay

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatFields(t *testing.T) {
	stat := "42 (a (weird) name) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 1000 10"
	fields := statFields(stat)
	require.GreaterOrEqual(t, len(fields), 20)
	assert.Equal(t, "S", fields[0], "the state")
	assert.Equal(t, "12345", fields[19], "the start time")
}

func TestRecordedProcessIsAliveUntilItExits(t *testing.T) {
	w := Workspace{Path: t.TempDir()}
	require.NoError(t, os.MkdirAll(w.Dir(), 0o755))
	cmd := exec.Command("sleep", "30")
	require.NoError(t, cmd.Start())

	require.NoError(t, w.RecordProcess(cmd.Process.Pid))
	p, alive := w.LeftoverProcess()
	assert.True(t, alive)
	assert.Equal(t, cmd.Process.Pid, p.PID)

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	_, alive = w.LeftoverProcess()
	assert.False(t, alive, "an exited process is not alive")

	p.Start++ // another process that got the same pid
	assert.False(t, p.Alive())
}

func TestNoRecordedProcess(t *testing.T) {
	_, alive := Workspace{Path: t.TempDir()}.LeftoverProcess()
	assert.False(t, alive)
}
