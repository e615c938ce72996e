package container

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/nsenter"
)

// Exec runs argv in the running container st (book 5.4) and returns its
// exit status: its own, 128+N for a signal, 127 or 126 when it cannot be
// run. This binary is run again with the container named in its
// environment: package nsenter's constructor enters the container before
// Go starts. The command gets the container's environment (5.8), never
// ours, and joins its cgroup; tty connects our stdin (-ti).
func Exec(st *State, argv []string, tty bool) (int, error) {
	if st.Status != Running || !st.Init.Alive() {
		return 0, fmt.Errorf("%w: %s", ErrNotRunning, st.Name)
	}
	dirs, err := cgroups.Dirs(st.ID)
	if err != nil {
		return 0, err
	}
	cmd := exec.Command("/proc/self/exe", argv...)
	cmd.Env = append(containerEnviron(st),
		nsenter.EnvPID+"="+strconv.Itoa(st.Init.PID),
		nsenter.EnvStart+"="+strconv.FormatUint(st.Init.Start, 10),
		nsenter.EnvCgroups+"="+strings.Join(dirs, ":"))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if tty {
		cmd.Stdin = os.Stdin
		if isTerminal(os.Stdin) {
			cmd.SysProcAttr.Foreground = true
			cmd.SysProcAttr.Ctty = 0
		}
	}
	// As in run: one Ctrl-C, forwarded by us, not a second from the terminal.
	cmd.SysProcAttr.Setpgid = !cmd.SysProcAttr.Foreground

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
	return exitStatusOf(err)
}

// containerEnviron is the environment of the container's PID 1, as the
// kernel has it (/proc/PID/environ), or the one it was started with.
func containerEnviron(st *State) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", st.Init.PID))
	if err != nil || len(b) == 0 {
		return st.Env
	}
	var env []string
	for _, kv := range bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0}) {
		env = append(env, string(kv))
	}
	return env
}
