package oci

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/nsenter"
)

// ExecOptions are exec's: the process (from --process or the flags) and
// how to run it.
type ExecOptions struct {
	Process       *specs.Process
	Detach        bool
	PidFile       string
	ConsoleSocket string
	// Signals are passed on to the process while we wait for it.
	Signals <-chan os.Signal
	// Passed are the descriptors the process gets from fd 3 on
	// (--preserve-fds).
	Passed []*os.File
	// SubCgroups are sub-cgroups of the container's to run it in
	// (--cgroup, ParseSubCgroups).
	SubCgroups map[string]string
	// IgnorePaused runs it in a paused container: it joins the frozen
	// cgroup, and runs once the container is resumed.
	IgnorePaused bool
	// PidfdSocket is a unix socket to send a pidfd of the process to.
	PidfdSocket string
}

// Exec runs another process in a running (or created) container, as
// mydocker exec does: this binary again, sealed, whose nsenter
// constructor joins init's namespaces and cgroup, non-dumpable, forks,
// and confines the child (user, capabilities, rlimits, no_new_privs, the
// bundle's seccomp program) before it executes the process; no Go runs
// inside. The constructor reports the child's pid and exits: the process
// is then reparented to the nearest subreaper (us, or the shim that ran
// us: runc's exec --detach). Detached, Exec returns once the process
// runs; otherwise it waits for it and returns its exit status.
func (c *Container) Exec(o ExecOptions) (int, error) {
	if err := c.canExec(o.IgnorePaused); err != nil {
		return 0, err
	}
	p := o.Process
	inheritProcAttrs(p, c.Spec.Process)
	if err := checkProcess(p); err != nil {
		return 0, err
	}
	p.Env = processEnv(p.Env, c.homeIn(p.User.UID))
	if p.Terminal && o.ConsoleSocket == "" {
		return 0, errors.New("a terminal (-t) needs --console-socket")
	}
	if err := closeInheritedOnExec(); err != nil {
		return 0, err
	}
	pidfds, err := dialPidfdSocket(o.PidfdSocket)
	if err != nil {
		return 0, err
	}
	defer pidfds.Close()
	files, err := c.execFiles(p, o)
	if err != nil {
		return 0, err
	}
	defer closeAll(files.all())
	if !o.Detach {
		// The process is orphaned when the constructor's parent exits: as
		// a subreaper we get it back, to wait for it.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return 0, fmt.Errorf("become a subreaper: %w", err)
		}
	}
	logrus.WithFields(logrus.Fields{"init": c.Pid, "args": p.Args}).Debug("exec: entering the container's namespaces and cgroup")
	pid, err := c.startExec(p, files, o)
	if err != nil {
		return 0, err
	}
	logrus.WithField("pid", pid).Debug("exec: the process runs")
	err = pidfds.send(pid, "setns")
	if err == nil && o.PidFile != "" {
		err = writePidFile(o.PidFile, pid)
	}
	if err != nil {
		// The caller, told it failed, will not wait for a process it
		// cannot name: it does not outlive the exec, as runc's.
		_ = unix.Kill(pid, unix.SIGKILL)
		if !o.Detach {
			_, _ = unix.Wait4(pid, nil, 0, nil) // ours, as a subreaper
		}
		return 0, err
	}
	if o.Detach {
		return 0, nil
	}
	status := waitPid(pid, o.Signals)
	logrus.WithFields(logrus.Fields{"pid": pid, "status": status}).Debug("exec: the process exited")
	return status, nil
}

// canExec says whether a process may join the container: a running one,
// and, as runc, a created one (its init waits on the exec fifo, in the
// namespaces the process joins: what a CNI plugin or a pod's sidecar may
// want before start). A paused one only when the caller says so: the
// process would be frozen on arrival, and a caller that does not expect
// it would hang.
func (c *Container) canExec(ignorePaused bool) error {
	switch st := c.Status(); {
	case st == specs.StateRunning || st == specs.StateCreated:
		return nil
	case st == "paused" && ignorePaused:
		return nil
	case st == "paused":
		return errors.New("cannot exec in a paused container (use --ignore-paused to override)")
	default:
		return fmt.Errorf("cannot exec in a container that is %s", st)
	}
}

// startExec starts the constructor with the process's stdio (our own, or
// a terminal of the container's), and returns the pid it reports once the
// process runs, or the failure it reports.
func (c *Container) startExec(p *specs.Process, files execFiles, o ExecOptions) (int, error) {
	path, exe, err := SealedExe(len(files.extra()))
	if err != nil {
		return 0, err
	}
	defer exe.Close()
	cmd := exec.Command(path, p.Args...)
	cmd.Args[0] = "mydocker-runc"
	// A fixed environment of ours: the process's is in the configuration,
	// and reaches it only at its execve, in the container.
	cmd.Env = []string{nsenter.EnvConfigFd + "=" + strconv.Itoa(execConfigFd(len(files.passed)))}
	cmd.ExtraFiles = files.extra()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if p.Terminal {
		slave, err := c.execTerminal(p, o.ConsoleSocket)
		if err != nil {
			return 0, err
		}
		defer slave.Close()
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	}
	err = cmd.Start()
	files.reportWrite.Close()
	if err != nil {
		return 0, fmt.Errorf("start exec: %w", err)
	}
	pid, failure := readReport(files.reportRead)
	waitErr := cmd.Wait()
	if failure != "" {
		if pid > 0 && !o.Detach {
			_, _ = unix.Wait4(pid, nil, 0, nil) // ours, as a subreaper
		}
		return 0, errors.New(failure)
	}
	if pid <= 0 {
		return 0, fmt.Errorf("enter the container: %v", waitErr)
	}
	return pid, nil
}

// readReport reads the constructor's report to its end (the parent has
// exited, the child has executed the process or exited): "pid N" and
// "error MSG" lines.
func readReport(r io.Reader) (pid int, failure string) {
	s := bufio.NewScanner(r)
	for s.Scan() {
		kind, value, _ := strings.Cut(s.Text(), " ")
		switch kind {
		case "pid":
			pid, _ = strconv.Atoi(value)
		case "error":
			failure = value
		}
	}
	return pid, failure
}

// waitPid waits for our (adopted) child pid, passing signals on, and
// returns its status: its own, or 128+N when a signal N killed it.
func waitPid(pid int, signals <-chan os.Signal) int {
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-signals:
				if s, ok := sig.(syscall.Signal); ok && s != unix.SIGCHLD {
					_ = unix.Kill(pid, s)
				}
			case <-done:
				return
			}
		}
	}()
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if err == nil {
			break
		}
		if !errors.Is(err, unix.EINTR) {
			return 255
		}
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// WaitForeground waits for the init of a foreground run or restore, our
// child (criu makes a restored one so), passing signals on, and returns
// its exit status.
func WaitForeground(c *Container, signals <-chan os.Signal) int {
	return waitPid(c.Pid, signals)
}

func closeAll(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}
