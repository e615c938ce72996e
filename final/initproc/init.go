package initproc

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/envlist"
	"github.com/mydocker/mydocker/final/internal/passwd"
	"github.com/mydocker/mydocker/final/mountfd"
	"github.com/mydocker/mydocker/final/rootfs"
	"github.com/mydocker/mydocker/final/security"
)

// Run runs inside the new namespaces as the container's
// first process. It waits for its command on the pipe, prepares the mounts
// and then replaces itself with the command, which so becomes PID 1. On
// success it never returns; a failure is also reported to run on the
// status pipe, so that "run -d" can say it before it returns.
func Run() error {
	// Capabilities, no_new_privs and seccomp are a thread's: every step,
	// and the exec, must be on one.
	runtime.LockOSThread()
	// init remounts "/" and, from chapter 4 on, pivots into a new root:
	// only in the new namespaces that run made is that harmless. There it
	// is PID 1, or (--pid host or container:) at least in a mount
	// namespace of its own; anywhere else (typed by hand on the host) it
	// refuses.
	if !startedByRun() {
		return errors.New("init: not PID 1 of a new PID namespace, nor in a container's new namespaces; it is started by \"mydocker run\", not by hand")
	}
	// In a PID namespace it shares (--pid), others' processes see init,
	// root on the host with our binary, before its exec: non-dumpable,
	// its /proc/PID/exe, mem and fds are out of their reach. The
	// command's execve makes the process dumpable again.
	if os.Getpid() != 1 {
		if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
			return fmt.Errorf("init: make itself non-dumpable: %w", err)
		}
	}
	useLogFd()
	err := startCommand()
	return &ReportedError{Err: err, Code: reportFailure(err)}
}

// startedByRun reports whether init runs where run starts it: PID 1 of a
// new PID namespace; or, sharing one (--pid), under a parent outside its
// PID namespace (another container's, which a shell on the host never
// is), or with a mount and a UTS namespace that are not its parent's
// (run's clone always makes both; "unshare --mount" by hand makes one).
func startedByRun() bool {
	if os.Getpid() == 1 {
		return true
	}
	ppid := os.Getppid()
	if ppid == 0 {
		return true
	}
	for _, ns := range []string{"mnt", "uts"} {
		ours, err := os.Readlink("/proc/self/ns/" + ns)
		if err != nil {
			return false
		}
		theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", ppid, ns))
		if err != nil || ours == theirs {
			return false
		}
	}
	return true
}

// LogFd is where init logs, with --debug: its monitor's stderr
// (container.NewParentProcess), after the command (3) and status (4)
// pipes and the console socket (5).
const LogFd = 6

// useLogFd sends init's log lines to LogFd when its monitor gave it
// (--debug), and nowhere otherwise: init's own stderr is the container's,
// which its log records. The exec closes LogFd.
func useLogFd() {
	// Without --debug, LogFd is not ours: the Go runtime may have opened
	// that number for itself.
	if !logrus.IsLevelEnabled(logrus.DebugLevel) {
		logrus.SetOutput(io.Discard)
		return
	}
	if _, err := unix.FcntlInt(LogFd, unix.F_GETFD, 0); err != nil {
		logrus.SetOutput(io.Discard)
		return
	}
	unix.CloseOnExec(LogFd)
	logrus.SetOutput(os.NewFile(LogFd, "log"))
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
	cfg, err := readConfig()
	if err != nil {
		return err
	}
	logrus.WithField("command", cfg.Args).Debug("container init")
	var reaper *os.File // --init: what runs the command as PID 1
	if cfg.Process.Init {
		if reaper, err = openReaper(); err != nil {
			return err
		}
	}
	if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
		return fmt.Errorf("set the hostname: %w", err)
	}
	if err := enterCgroupNamespace(); err != nil {
		return err
	}
	if err := setUpMount(cfg); err != nil {
		return err
	}
	loopbackUp()
	cred, err := prepareUser(&cfg)
	if err != nil {
		return err
	}
	var path string
	return security.Confine(confinementOf(cfg.Confinement, cred), func() error {
		if cfg.Cwd != "" {
			if err := os.Chdir(cfg.Cwd); err != nil {
				return fmt.Errorf("change to the working directory %s: %w", cfg.Cwd, err)
			}
		}
		// Only now, inside the image, is PATH looked up: before the pivot
		// it would find the host's binaries, which the image may not have.
		// The PATH is the container's, from its environment, not init's.
		var err error
		if path, err = lookPath(cfg.Args[0], cfg.Env); err != nil {
			return &ExecError{Err: err}
		}
		logrus.WithField("path", path).Debug("found the command")
		// Nothing of ours past the exec: the status pipe's close tells
		// the monitor the command runs (end-of-file tells run it worked),
		// and any descriptor that reached init from whoever ran mydocker
		// stays out of the container.
		closeAllOnExec()
		return nil
	}, func() error {
		if reaper != nil {
			return execReaper(reaper, cfg.Args, cfg.Env)
		}
		if err := unix.Exec(path, cfg.Args, cfg.Env); err != nil {
			return &ExecError{Err: fmt.Errorf("exec %s: %w", path, err)}
		}
		return nil
	})
}

// prepareUser does, as root still, what the switch to the container's
// user (the image's User, or -u) needs: the terminal given to the user,
// HOME (the user's, unless the image or -e set it) in the command's
// environment, the working directory (WorkingDir, or -w) made when the
// image lacks it, as docker does, and --read-only. It runs after the
// pivot: the names are the image's.
func prepareUser(cfg *Config) (passwd.Credential, error) {
	cred, err := passwd.Lookup(cfg.User)
	if err == nil {
		err = addGroups(&cred, cfg.Process.GroupAdd)
	}
	if err == nil {
		err = setRlimits(cfg.Process.Rlimits)
	}
	if err != nil {
		return passwd.Credential{}, err
	}
	if cfg.TTY {
		if err := setUpTerminal(*cfg, cred); err != nil {
			return passwd.Credential{}, err
		}
	}
	if getenv(cfg.Env, "HOME") == "" {
		cfg.Env = envlist.Merge(cfg.Env, []string{"HOME=" + cred.Home})
	}
	if cfg.Cwd != "" {
		if err := os.MkdirAll(cfg.Cwd, 0o755); err != nil {
			return passwd.Credential{}, fmt.Errorf("make the working directory %s: %w", cfg.Cwd, err)
		}
	}
	// --read-only: the root mount alone, once the working directory is
	// made; the volumes, /proc, /sys and /dev are mounts of their own.
	if cfg.ReadOnly {
		if err := mountfd.Readonly("/"); err != nil {
			return passwd.Credential{}, fmt.Errorf("make the root read-only: %w", err)
		}
	}
	return cred, nil
}

// setUpMount moves the container into its own root filesystem and gives
// it /proc, /sys and /dev, with the code that makes an OCI bundle's
// (rootfs.Rootfs). Run started us in that root (cmd.Dir).
func setUpMount(cfg Config) error {
	root, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("find the container's root: %w", err)
	}
	privileged := cfg.Confinement.Privileged
	var devices []specs.LinuxDevice
	if privileged {
		devices = hostDevices(listHostDevices()) // the host's /dev, still in reach
	}
	devices = append(devices, cfg.Process.Devices...) // --device
	// A new mount namespace starts as a copy of the host's, with the same
	// propagation. systemd makes "/" shared, so without MS_PRIVATE every
	// mount below would also appear on the host, and pivot_root would
	// fail with EINVAL (mount_namespaces(7), pivot_root(2)). MS_REC makes
	// every mount under "/" private, not just "/" itself.
	// The volumes are spec bind mounts after mydocker's own, as docker
	// orders them: made in the container's mount namespace, never by path
	// in the host's (volumeMounts says why).
	shm := cfg.Process.ShmSize
	if shm == 0 {
		shm = DefaultShmSize
	}
	mounts := append(shmMounts(containerMounts(privileged, shm), cfg.Process), volumeMounts(cfg.Volumes)...)
	mounts = append(mounts, tmpfsMounts(cfg.Tmpfs)...)
	r := rootfs.Rootfs{Path: root, Propagation: unix.MS_PRIVATE | unix.MS_REC, Mounts: mounts, Devices: devices}
	if err := r.SetUp(); err != nil {
		return err
	}
	if err := bindEtcFiles(root, cfg.EtcBinds); err != nil {
		return err
	}
	if err := rootfs.PivotRoot(root); err != nil {
		return err
	}
	// Before /proc/sys is made read-only, where the kernel's procfs
	// cannot be had fresh.
	if err := writeSysctls(cfg.Process.Sysctls); err != nil {
		return err
	}
	return hideFromContainer(cfg.Confinement)
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
