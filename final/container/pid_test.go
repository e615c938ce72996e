package container

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

func TestProcessIsAliveUntilItExits(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	require.NoError(t, cmd.Start())

	p, err := processOf(cmd.Process.Pid)
	require.NoError(t, err)
	assert.True(t, p.Alive())

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	assert.False(t, p.Alive(), "an exited process is not alive")

	p, err = processOf(os.Getpid())
	require.NoError(t, err)
	p.Start++ // another process that got the same pid
	assert.False(t, p.Alive())
	assert.False(t, Process{}.Alive(), "no process recorded")
}
