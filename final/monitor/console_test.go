package monitor

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/container"
)

// files are the stdio that a run made as opts ask gives init.
func files(t *testing.T, opts container.RunOptions) (stdin, stdout, stderr *os.File, extra []*os.File) {
	t.Helper()
	con, err := newConsole(opts, newHub(nil, [2]uint16{}))
	require.NoError(t, err)
	t.Cleanup(con.Close)
	return con.Files()
}

func TestConsoleFiles(t *testing.T) {
	stdin, stdout, stderr, extra := files(t, container.RunOptions{})
	require.NotNil(t, stdin)
	assert.Equal(t, os.DevNull, stdin.Name(), "without -i stdin is /dev/null, as docker")
	assert.NotNil(t, stdout, "output goes to the monitor")
	assert.NotEqual(t, stdout, stderr, "stdout and stderr stay apart")
	assert.Empty(t, extra)

	stdin, _, _, _ = files(t, container.RunOptions{Interactive: true})
	assert.NotEqual(t, os.Stdin, stdin, "a pipe of the monitor's, never our own stdin")
	assert.NotEqual(t, os.DevNull, stdin.Name())

	stdin, stdout, _, extra = files(t, container.RunOptions{TTY: true, Interactive: true})
	assert.Nil(t, stdin, "with -t the terminal comes from init, not from us")
	assert.Nil(t, stdout)
	assert.Len(t, extra, 1, "the console socket, init's fd 5")
}
