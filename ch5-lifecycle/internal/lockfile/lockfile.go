// Package lockfile serialises mydocker processes with flock(2): the kernel
// drops a lock when its holder dies, so a killed mydocker never leaves one
// taken.
package lockfile

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Lock is a held lock.
type Lock struct{ f *os.File }

// Take waits for the exclusive lock on path, creating the file.
func Take(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	return take(f, path, unix.LOCK_EX)
}

// TakeDir waits for the exclusive lock of the directory dir itself. Unlike
// a lock file in it, it creates nothing: a directory that another holder
// is removing is never given a new file, and once it is gone the open
// fails with fs.ErrNotExist.
func TakeDir(dir string) (*Lock, error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", dir, err)
	}
	return take(f, dir, unix.LOCK_EX)
}

// TakeDirShared waits for a shared lock of the directory dir: any number
// of holders share it, while nobody holds it exclusive (TakeDir,
// TryTakeDir).
func TakeDirShared(dir string) (*Lock, error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", dir, err)
	}
	return take(f, dir, unix.LOCK_SH)
}

// TryTakeDir is TakeDir that does not wait: ok is false, and no lock
// taken, while another process holds it.
func TryTakeDir(dir string) (l *Lock, ok bool, err error) {
	f, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, false, fmt.Errorf("open lock %s: %w", dir, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			break
		}
	}
	if err == unix.EWOULDBLOCK {
		f.Close()
		return nil, false, nil
	}
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("lock %s: %w", dir, err)
	}
	return &Lock{f: f}, true, nil
}

func take(f *os.File, path string, how int) (*Lock, error) {
	var err error
	for {
		err = unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Release lets the lock go.
func (l *Lock) Release() { _ = l.f.Close() }

// Path is the file or directory whose lock this is.
func (l *Lock) Path() string { return l.f.Name() }
