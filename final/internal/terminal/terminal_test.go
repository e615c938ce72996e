package terminal

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func openRoot(t *testing.T, dir string) *os.File {
	root, err := os.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { root.Close() })
	return root
}

func TestOpenConnectsBothEndsAndSizes(t *testing.T) {
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx")
	}
	master, slave, err := Open(openRoot(t, "/"), "/dev/ptmx")
	require.NoError(t, err)
	defer master.Close()
	defer slave.Close()
	require.NoError(t, SetSize(master, 24, 80))
	ws, err := unix.IoctlGetWinsize(int(slave.Fd()), unix.TIOCGWINSZ)
	require.NoError(t, err)
	assert.Equal(t, [2]uint16{24, 80}, [2]uint16{ws.Row, ws.Col})
	require.NoError(t, SetSize(master, 0, 0), "no size asked: left as it is")

	_, err = slave.Write([]byte("hi"))
	require.NoError(t, err)
	buf := make([]byte, 2)
	_, err = io.ReadFull(master, buf)
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf))
}

func TestOpenRefusesWhatIsNotTheMultiplexer(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "dev/pts"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dev/null"), nil, 0o644))
	// A file, and a symlink that would leave the root for the host's
	// /dev/null, and a symlink out to the host's real ptmx: all inside.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dev/pts/ptmx"), nil, 0o644))
	require.NoError(t, os.Symlink("../../../../../dev/null", filepath.Join(dir, "dev/ptmx")))
	require.NoError(t, os.Symlink("/dev/pts/ptmx", filepath.Join(dir, "dev/tty0")))
	root := openRoot(t, dir)
	for _, ptmx := range []string{"/dev/pts/ptmx", "/dev/ptmx", "/dev/tty0", "/dev/nothing"} {
		_, _, err := Open(root, ptmx)
		assert.Error(t, err, ptmx)
	}
}

// TestTake runs Take in a child (it replaces the stdio of its caller):
// the child's stdin is then the terminal, its controlling one.
func TestTake(t *testing.T) {
	if os.Getenv("TERMINAL_TEST_TAKE") == "1" {
		_, slave, err := Open(openRoot(t, "/"), "/dev/ptmx")
		require.NoError(t, err)
		require.NoError(t, Take(slave, os.Getuid(), os.Getgid()))
		tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
		require.NoError(t, err, "a controlling terminal")
		tty.Close()
		sid, _ := unix.Getsid(0)
		require.Equal(t, os.Getpid(), sid, "a session leader")
		os.Exit(0)
	}
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no /dev/ptmx")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTake$")
	cmd.Env = append(os.Environ(), "TERMINAL_TEST_TAKE=1")
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, string(out))
}
