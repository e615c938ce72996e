// Package fscommon holds what the v1 and v2 drivers share: writing a
// cgroup file and removing a cgroup directory.
package fscommon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// WriteFile writes value to the cgroup file dir/name. cgroup files are
// written whole, without O_CREAT games: the kernel made them.
func WriteFile(dir, name, value string) error {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
		return fmt.Errorf("write %q to %s: %w%s", value, path, err, hint(err))
	}
	return nil
}

// ReadOnly reports whether err means that this machine's cgroups cannot be
// changed by us: a read-only cgroup filesystem (as a container's
// /sys/fs/cgroup usually is), or one that denies us.
func ReadOnly(err error) bool {
	return errors.Is(err, unix.EROFS) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM)
}

// hint says what to do about an error that is not ours to fix.
func hint(err error) string {
	if ReadOnly(err) {
		return " (the cgroup filesystem is read-only or closed to us here, as in a container: limits need a writable /sys/fs/cgroup)"
	}
	return ""
}

// ReadFile reads the cgroup file dir/name, without its trailing newline.
func ReadFile(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", filepath.Join(dir, name), err)
	}
	return strings.TrimSpace(string(b)), nil
}

// removeTries bounds how long (tries of 20 ms: 5 s) RemoveDir waits for
// the last processes of a container to be gone: after PID 1 of a PID
// namespace exits the kernel kills the rest, but a cgroup is busy until
// they have exited, which under emulation takes a while.
const removeTries = 250

// RemoveDir removes the cgroup directory dir. A cgroup is removed with
// rmdir(2) even though it "contains" files, and only once it holds no
// process: EBUSY is retried for a while. A missing directory is no error.
func RemoveDir(dir string) error {
	var err error
	for i := 0; i < removeTries; i++ {
		err = unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A read-only cgroupfs answers EROFS before ENOENT: a cgroup that
	// was never made there is no error either.
	if _, serr := os.Lstat(dir); errors.Is(serr, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("remove cgroup %s: %w", dir, err)
}

// RemoveParent removes dir if no other container's cgroup is left in it.
// It is best-effort: another mydocker may be using the parent right now.
func RemoveParent(dir string) {
	_ = unix.Rmdir(dir)
}

// MkdirAll creates the cgroup directory dir and its parents. It retries
// once when a parent disappears meanwhile: another mydocker may have just
// removed the shared parent after its own container ended.
func MkdirAll(dir string) error {
	err := os.MkdirAll(dir, 0o755)
	if errors.Is(err, os.ErrNotExist) {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf("create cgroup %s: %w%s", dir, err, hint(err))
	}
	return nil
}
