package mountfd

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv("READONLY_CHILD"); dir != "" {
		if err := readonlyChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// readonlyChild, in a mount namespace of its own, mounts a tmpfs with
// nosuid, nodev and noexec and another inside it, makes the first
// read-only, and checks: read-only with its flags kept, the one inside
// untouched, and a symlink refused.
func readonlyChild(dir string) error {
	top, inner := filepath.Join(dir, "top"), filepath.Join(dir, "top", "inner")
	if err := os.Mkdir(top, 0o755); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", top, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=16k"); err != nil {
		return err
	}
	if err := os.Mkdir(inner, 0o755); err != nil {
		return err
	}
	if err := unix.Mount("tmpfs", inner, "tmpfs", 0, "size=16k"); err != nil {
		return err
	}
	if err := os.Symlink(top, filepath.Join(dir, "link")); err != nil {
		return err
	}
	if err := Readonly(filepath.Join(dir, "link")); err == nil {
		return errors.New("a symlink was followed")
	}
	if err := Readonly(top); err != nil {
		return err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(top, &st); err != nil {
		return err
	}
	want := int64(unix.ST_RDONLY | unix.ST_NOSUID | unix.ST_NODEV | unix.ST_NOEXEC)
	if st.Flags&want != want {
		return fmt.Errorf("top's flags %#x, want %#x set", st.Flags, want)
	}
	if err := unix.Statfs(inner, &st); err != nil {
		return err
	}
	if st.Flags&unix.ST_RDONLY != 0 {
		return errors.New("the mount inside was made read-only too")
	}
	return nil
}

// TestReadonlyKeepsTheFlags: Readonly sets read-only on the mount alone,
// keeping its nosuid, nodev and noexec.
func TestReadonlyKeepsTheFlags(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounts need root")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "READONLY_CHILD="+t.TempDir())
	// Go makes the new namespace's mounts private (no mount reaches ours).
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, string(out))
}
