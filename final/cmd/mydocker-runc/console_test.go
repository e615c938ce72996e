package main

import (
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Without ONLCR the process's "\n" comes out of the master as it was
// written (a terminal's default adds a CR).
func TestClearONLCR(t *testing.T) {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	master := os.NewFile(uintptr(fd), "ptmx")
	defer master.Close()
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err)
	slave, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	defer slave.Close()

	require.NoError(t, clearONLCR(master))
	_, err = slave.WriteString("a\nb\n")
	require.NoError(t, err)
	buf := make([]byte, 16)
	got, err := io.ReadAtLeast(master, buf, 4)
	require.NoError(t, err)
	assert.Equal(t, "a\nb\n", string(buf[:got]))
}
