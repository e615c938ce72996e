package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch6-network/overlay"
)

// RunContainerInitProcess runs inside the new namespaces as the container's
// first process. It waits for its command on the pipe, prepares the mounts
// and then replaces itself with the command, which so becomes PID 1. On
// success it never returns; a failure is also reported to run on the
// status pipe, so that "run -d" can say it before it returns.
func RunContainerInitProcess() error {
	// init remounts "/" and, from chapter 4 on, pivots into a new root:
	// only in the new namespaces that run made is that harmless. There it
	// is PID 1; anywhere else (typed by hand on the host) it refuses.
	if os.Getpid() != 1 {
		return errors.New("init: not PID 1 of a new PID namespace; it is started by \"mydocker run\", not by hand")
	}
	useLogFd()
	err := startCommand()
	return &ReportedError{Err: err, Code: reportFailure(err)}
}

// useLogFd sends init's log lines to run's stderr on logFd when run gave
// it (--debug), and nowhere otherwise: init's own stderr is the
// container's, which its log records. The exec closes logFd.
func useLogFd() {
	if _, err := unix.FcntlInt(logFd, unix.F_GETFD, 0); err != nil {
		logrus.SetOutput(io.Discard)
		return
	}
	unix.CloseOnExec(logFd)
	logrus.SetOutput(os.NewFile(logFd, "log"))
}

// ReportedError is a failure of init that run has been told of on the
// status pipe: init exits with Code and prints nothing, so that the
// message is said once, by run.
type ReportedError struct {
	Err  error
	Code int
}

func (e *ReportedError) Error() string { return e.Err.Error() }
func (e *ReportedError) Unwrap() error { return e.Err }

// startCommand does init's work, up to the exec.
func startCommand() error {
	cfg, err := readInitConfig()
	if err != nil {
		return err
	}
	logrus.WithField("command", cfg.Args).Debug("container init")
	if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
		return fmt.Errorf("set the hostname: %w", err)
	}
	if err := setUpMount(cfg.Volumes); err != nil {
		return err
	}
	// Only now, inside the image, is PATH looked up: before the pivot it
	// would find the host's binaries, which the image may not have. The
	// PATH is the container's, from its environment, not init's own.
	path, err := lookPath(cfg.Args[0], cfg.Env)
	if err != nil {
		return &ExecError{Err: err}
	}
	logrus.WithField("path", path).Debug("found the command")
	// The exec closes the status pipe: end-of-file tells run it worked.
	unix.CloseOnExec(statusFd)
	if err := unix.Exec(path, cfg.Args, cfg.Env); err != nil {
		return &ExecError{Err: fmt.Errorf("exec %s: %w", path, err)}
	}
	return nil
}

// setUpMount binds the volumes into the container's root filesystem,
// moves the container into it and gives it /proc, /sys and /dev. Run
// started us in that root (cmd.Dir).
func setUpMount(volumes []overlay.Volume) error {
	// A new mount namespace starts as a copy of the host's, with the same
	// propagation. systemd makes "/" shared, so without this every mount
	// below would also appear on the host, and pivot_root would fail with
	// EINVAL (mount_namespaces(7), pivot_root(2)). MS_REC makes every
	// mount under "/" private, not just "/" itself.
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	root, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("find the container's root: %w", err)
	}
	// The volumes are bound here, in our mount namespace, before the host
	// directories are out of reach: our mounts are private now, so the
	// host never sees them (overlay.MountVolumes says why that matters).
	if err := overlay.MountVolumes(root, volumes); err != nil {
		return err
	}
	if err := pivotRoot(root); err != nil {
		return err
	}
	// Each mount below is made in the new root: the host's /proc, /sys and
	// /dev are out of reach now.
	for _, mount := range []func() error{mountProc, mountSys, mountDev} {
		if err := mount(); err != nil {
			return err
		}
	}
	return nil
}

// ExecError is the failure to start the user's command. Its exit code
// follows the shell and docker: 127 when the command does not exist,
// 126 when it exists but cannot be run.
type ExecError struct {
	Err  error
	Code int // when known already (reported by init); else from Err
}

func (e *ExecError) Error() string { return e.Err.Error() }
func (e *ExecError) Unwrap() error { return e.Err }

// ExitCode is the status mydocker exits with for this error.
func (e *ExecError) ExitCode() int {
	if e.Code != 0 {
		return e.Code
	}
	if errors.Is(e.Err, exec.ErrNotFound) || errors.Is(e.Err, fs.ErrNotExist) {
		return 127
	}
	return 126
}
