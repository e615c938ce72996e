package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// RunContainerInitProcess runs inside the new namespaces as the container's
// first process. It prepares the mounts and then replaces itself with the
// user's command, which so becomes PID 1. On success it never returns.
func RunContainerInitProcess(argv []string) error {
	if len(argv) == 0 {
		return errors.New("init: no command to run")
	}
	// init remounts "/" and, from chapter 4 on, pivots into a new root:
	// only in the new namespaces that run made is that harmless. There it
	// is PID 1; anywhere else (typed by hand on the host) it refuses.
	if os.Getpid() != 1 {
		return errors.New("init: not PID 1 of a new PID namespace; it is started by \"mydocker run\", not by hand")
	}
	logrus.WithField("command", argv).Debug("container init")
	if err := setUpMount(); err != nil {
		return err
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return &ExecError{Err: err}
	}
	logrus.WithField("path", path).Debug("found the command")
	if err := unix.Exec(path, argv, os.Environ()); err != nil {
		return &ExecError{Err: fmt.Errorf("exec %s: %w", path, err)}
	}
	return nil
}

// setUpMount gives the container a /proc of its own.
func setUpMount() error {
	// A new mount namespace starts as a copy of the host's, with the same
	// propagation. systemd makes "/" shared, so without this every mount
	// below would also appear on the host, and the proc mount would break
	// the host's /proc (mount_namespaces(7)). MS_REC makes every mount
	// under "/" private, not just "/" itself.
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	// A fresh proc mount shows the processes of the mounter's PID
	// namespace: inside, "ps" sees only the container.
	flags := uintptr(unix.MS_NOEXEC | unix.MS_NOSUID | unix.MS_NODEV)
	if err := unix.Mount("proc", "/proc", "proc", flags, ""); err != nil {
		return fmt.Errorf("mount proc: %w", err)
	}
	return nil
}

// ExecError is the failure to start the user's command. Its exit code
// follows the shell and docker: 127 when the command does not exist,
// 126 when it exists but cannot be run.
type ExecError struct {
	Err error
}

func (e *ExecError) Error() string { return e.Err.Error() }
func (e *ExecError) Unwrap() error { return e.Err }

// ExitCode is the status mydocker exits with for this error.
func (e *ExecError) ExitCode() int {
	if errors.Is(e.Err, exec.ErrNotFound) || errors.Is(e.Err, fs.ErrNotExist) {
		return 127
	}
	return 126
}
