package container

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mydocker/mydocker/ch5-lifecycle/cgroups"
	"github.com/mydocker/mydocker/ch5-lifecycle/nsenter"
)

// Exec runs argv in the running container st (book 5.4) and returns its
// exit status: its own, 128+N for a signal, 127 or 126 when it cannot be
// run. This binary is run again, and package nsenter's constructor enters
// the container before Go starts. The command gets the container's
// environment (5.8), never ours, and joins its cgroup; tty connects our
// stdin (-ti).
func Exec(st *State, argv []string, tty bool) (int, error) {
	if st.Status != Running || !st.Init.Alive() {
		return 0, fmt.Errorf("%w: %s", ErrNotRunning, st.Name)
	}
	dirs, err := cgroups.Dirs(st.ID)
	if err != nil {
		return 0, err
	}
	// The command's environment is the one the container was created with
	// (as docker's Config.Env), not PID 1's /proc/PID/environ, which the
	// container rewrites at will. It travels on a descriptor with what to
	// enter: this binary runs on the host, as root, with a fixed
	// environment of ours, so the host's dynamic loader reads no LD_* of the
	// container's and nothing in it steers the constructor.
	config, err := nsenter.ConfigFile([]string{
		"pid=" + strconv.Itoa(st.Init.PID),
		"start=" + strconv.FormatUint(st.Init.Start, 10),
		"cgroups=" + strings.Join(dirs, ":"),
	}, st.Env)
	if err != nil {
		return 0, err
	}
	defer config.Close()
	cmd := exec.Command("/proc/self/exe", argv...)
	cmd.Env = []string{nsenter.EnvConfigFd + "=" + strconv.Itoa(nsenter.ConfigFd)}
	cmd.ExtraFiles = []*os.File{config}
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if tty {
		cmd.Stdin = os.Stdin
		if isTerminal(os.Stdin) {
			cmd.SysProcAttr.Foreground = true
			cmd.SysProcAttr.Ctty = 0
		}
	}
	if cmd.SysProcAttr.Foreground {
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	} else {
		noTerminal(cmd)
	}

	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwardedSignals...)
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("exec in %s: %w", st.Name, err)
	}
	done := make(chan struct{})
	go forwardSignals(cmd.Process, signals, done)
	err = cmd.Wait()
	close(done)
	if cmd.SysProcAttr.Foreground {
		takeBackTerminal()
	}
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // it exited 0; something it left behind holds its output
	}
	return exitStatusOf(err)
}

// noTerminal keeps our terminal from a command that did not ask for one:
// a session of its own, so that opening /dev/tty fails in it, and its
// output through pipes that we copy, so that it holds no descriptor of our
// terminal. With either, a process in the container (root, with every
// capability in this chapter) could type into the caller's shell with
// TIOCSTI. Ctrl-C reaches it as in run: we get it, and forward it.
func noTerminal(cmd *exec.Cmd) {
	cmd.SysProcAttr.Setsid = true
	cmd.Stdout, cmd.Stderr = writerOnly{os.Stdout}, writerOnly{os.Stderr}
	if sameFile(os.Stdout, os.Stderr) {
		cmd.Stderr = cmd.Stdout // one pipe: what it writes keeps its order
	}
	cmd.WaitDelay = time.Second // a process it left behind may hold the pipes
}

// writerOnly hides that w is an *os.File, so that os/exec copies to it
// through a pipe instead of handing it to the command.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }
