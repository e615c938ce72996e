package state

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProcessIsAliveUntilItExits(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	require.NoError(t, cmd.Start())

	p, err := ProcessOf(cmd.Process.Pid)
	require.NoError(t, err)
	assert.True(t, p.Alive())

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	assert.False(t, p.Alive(), "an exited process is not alive")

	p, err = ProcessOf(os.Getpid())
	require.NoError(t, err)
	p.Start++ // another process that got the same pid
	assert.False(t, p.Alive())
	assert.False(t, Process{}.Alive(), "no process recorded")
}
