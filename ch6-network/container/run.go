package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch6-network/cgroups"
	"github.com/mydocker/mydocker/ch6-network/cgroups/resources"
	"github.com/mydocker/mydocker/ch6-network/image"
	"github.com/mydocker/mydocker/ch6-network/network"
	"github.com/mydocker/mydocker/ch6-network/overlay"
)

// forwardedSignals are passed on to the container, so that stopping
// mydocker stops what runs inside it. Note the kernel rule for PID 1
// (pid_namespaces(7)): it only receives the signals it has a handler for,
// so "sleep" as PID 1 ignores SIGTERM, exactly as under docker.
var forwardedSignals = []os.Signal{
	syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2,
}

// Run creates the container and starts it. A foreground container is
// waited for, torn down and kept, exited, until rm (or removed, with
// --rm), and its exit status is returned: its own, or 128+N when a signal
// N killed it. A detached one is left running once its command has
// started (book 5.1). A failure to start the command (127, 126) is an
// *ExecError, and the container is kept, exited, as docker does; any other
// failure leaves no container behind.
func Run(opts RunOptions) (*State, int, error) {
	// Catch the signals before anything exists, and let go of them only
	// once everything is removed again: a second Ctrl-C must not kill
	// mydocker half-way through unmounting the container.
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, forwardedSignals...)
	defer signal.Stop(signals)
	// A reader of our output that goes away ("run ... | head") must not
	// kill us with SIGPIPE, leaving the container to a later command:
	// caught, a write to its pipe fails with EPIPE instead, which ends the
	// copy of the container's output. The container then meets the closed
	// pipe itself, as in a shell pipeline, and we tear it down as usual.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	return run(opts, signals)
}

// run is Run with the channel that the signals for the container arrive on.
func run(opts RunOptions, signals <-chan os.Signal) (*State, int, error) {
	store := Store{Root: opts.Root}
	Reconcile(store)
	// The container's config names its layer before the layers' lock is
	// let go: from then on no Collect removes it.
	var st *State
	lower, err := image.Store{Root: opts.Root}.Layer(opts.Image, func(lower string) (err error) {
		if opts.Network != "" {
			if _, err := (network.Store{Root: opts.Root}).Get(opts.Network); err != nil {
				return err
			}
		}
		st, err = newState(store, opts, lower)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	defer collectLayers(store)
	parent, pipes, err := createContainer(st, opts, lower)
	if err != nil {
		discard(store, st)
		return nil, 0, err
	}
	defer pipes.close()

	// A signal that came while we set up gives up the run before the
	// command starts, with the status it would have had: 128+N.
	if sig, ok := pendingSignal(signals); ok {
		stopInit(parent)
		discard(store, st)
		return nil, 128 + int(sig), nil
	}
	if err := startContainer(st, parent, pipes); err != nil {
		_ = parent.Wait()
		var execErr *ExecError
		if errors.As(err, &execErr) {
			code := execErr.ExitCode()
			if ferr := finish(store, st, &code); ferr != nil {
				logrus.WithError(ferr).Warn("tear down the container")
			}
			return st, 0, err
		}
		discard(store, st)
		return nil, 0, err
	}
	if opts.Detach {
		// Nobody waits for it: when we exit, it is the host's init's child.
		return st, 0, nil
	}

	done := make(chan struct{})
	go forwardSignals(parent.Process, signals, done)
	err = parent.Wait()
	close(done)
	if parent.SysProcAttr.Foreground {
		takeBackTerminal()
	}
	// Torn down whatever Wait says: an error of the copy of its output
	// (EPIPE) comes with its exit status; without one, its end is unknown.
	var code *int
	if parent.ProcessState != nil {
		status := statusOf(parent.ProcessState)
		code, err = &status, nil
	}
	if ferr := finish(store, st, code); ferr != nil {
		logrus.WithError(ferr).Warn("tear down the container")
	}
	if err != nil {
		return st, 0, fmt.Errorf("wait for container: %w", err)
	}
	return st, *code, nil
}

// newState makes the record of a new container: its directory, its
// config.json and its name.
func newState(store Store, opts RunOptions, lower string) (*State, error) {
	owner, err := processOf(os.Getpid())
	if err != nil {
		return nil, err
	}
	id := newID()
	st := &State{
		ID: id, Name: opts.Name, Image: opts.Image, Lower: lower, Command: opts.Command,
		Env:     containerEnv(id[:12], opts.TTY, opts.Env),
		Created: time.Now(), Status: Created,
		Detached: opts.Detach, AutoRemove: opts.AutoRemove,
		Volumes: opts.Volumes, Resources: opts.Resources, Owner: owner,
	}
	if err := store.create(st); err != nil {
		return nil, err
	}
	return st, nil
}

// createContainer gives the container its filesystem, starts its init
// (which waits at the start barrier) and puts it into its cgroup. Each
// step is recorded before it is made, so that discard undoes what was.
func createContainer(st *State, opts RunOptions, lower string) (*exec.Cmd, *initPipes, error) {
	ws := st.Workspace()
	// The volumes' host directories are made here; init binds them, in
	// the container's mount namespace.
	if err := overlay.CreateHostDirs(opts.Volumes); err != nil {
		return nil, nil, err
	}
	if err := ws.Create(lower); err != nil {
		return nil, nil, err
	}
	pipes, err := newInitPipes()
	if err != nil {
		return nil, nil, err
	}
	pipes.log, err = os.OpenFile(st.LogPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		pipes.close()
		return nil, nil, fmt.Errorf("create the log: %w", err)
	}
	parent := NewParentProcess(opts, pipes, pipes.log)
	// init starts in the container's root, and pivots into it.
	parent.Dir = ws.Merged()
	if err := parent.Start(); err != nil {
		pipes.close()
		return nil, nil, fmt.Errorf("start container: %w", err)
	}
	pipes.closeTheirs()
	logrus.WithField("pid", parent.Process.Pid).Debug("container started, waiting for its command")
	err = recordInit(st, parent.Process.Pid)
	if err == nil {
		// A detached container outlives us: it leaves our cgroups for
		// its own in every hierarchy, so that the end of ours (a
		// systemd unit, a session) does not kill it.
		newCgroup := cgroups.New
		if st.Detached {
			newCgroup = cgroups.NewDetached
		}
		var cgroup cgroups.Manager
		if cgroup, err = newCgroup(st.ID); err == nil {
			err = applyCgroup(cgroup, &opts.Resources, parent.Process.Pid)
		}
	}
	if err == nil && opts.Network != "" {
		err = connect(st, opts, parent.Process.Pid)
	}
	if err != nil {
		stopInit(parent)
		pipes.close()
		return nil, nil, err
	}
	return parent, pipes, nil
}

// connect puts the container on its network before its command starts,
// in two steps. Reserve takes an address and the host ports in the
// network's files and, before it lets the networks' lock go, has them
// written into the container's state; only then does Connect make the
// veth and the rules. So teardown, which reads the endpoint from the
// state, undoes a connect that failed half-way; a run killed between the
// reservation and the save leaves an allocation that no state records,
// which the next Reserve on that network, or its removal, collects.
func connect(st *State, opts RunOptions, pid int) error {
	nets := Store{Root: opts.Root}.Networks()
	// The container's lock first, then the networks' lock (rm takes them
	// in that order too, or the two would wait on each other for good).
	lock, err := (Store{}).lock(st)
	if err != nil {
		return fmt.Errorf("connect %s: %w", st.ShortID(), err)
	}
	defer lock.Release()
	// Recorded under the networks' lock: an address that a state does
	// not record is then surely of a run that died, and collected. A
	// container removed meanwhile is never saved again (its directory
	// would be made anew under rm).
	ep, err := nets.Reserve(opts.Network, st.ID, opts.Ports, func(ep *network.Endpoint) error {
		if _, err := os.Lstat(st.configPath()); err != nil {
			return fmt.Errorf("%w: %s was removed", ErrNotFound, st.ShortID())
		}
		st.Endpoint = ep
		if err := st.save(); err != nil {
			st.Endpoint = nil
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return nets.Connect(ep, pid)
}

// recordInit writes the container's init into its state: whoever finds
// the container later knows which process is its own.
func recordInit(st *State, pid int) error {
	p, err := processOf(pid)
	if err != nil {
		return err
	}
	st.Init = p
	return (Store{}).record(st)
}

// startContainer sends init the command, and waits until it runs or init
// says why it cannot.
func startContainer(st *State, parent *exec.Cmd, pipes *initPipes) error {
	cfg := initConfig{Args: st.Command, Hostname: st.ShortID(), Volumes: st.Volumes}
	cfg.Env = st.Env
	if err := sendInitConfig(cfg, pipes.command); err != nil {
		return err
	}
	if err := readStatus(pipes.status); err != nil {
		return err
	}
	if err := waitForExec(parent.Process.Pid); err != nil {
		return err
	}
	st.Status = Running
	return (Store{}).record(st)
}

// stopInit kills the container's init, which waits on the pipe, when the
// run gives up before sending the command.
func stopInit(parent *exec.Cmd) {
	_ = parent.Process.Kill()
	_ = parent.Wait()
}

// pendingSignal returns a signal that has arrived and not been forwarded.
func pendingSignal(signals <-chan os.Signal) (syscall.Signal, bool) {
	select {
	case sig := <-signals:
		s, ok := sig.(syscall.Signal)
		return s, ok
	default:
		return 0, false
	}
}

// takeBackTerminal makes our process group the terminal's foreground
// again, after the container had it. The kernel stops a background process
// that changes the foreground with SIGTTOU, so that signal is ignored
// meanwhile (tcsetpgrp(3)).
func takeBackTerminal() {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	if err := unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, unix.Getpgrp()); err != nil {
		logrus.WithError(err).Debug("take back the terminal")
	}
}

// applyCgroup creates the container's cgroup with its limits and moves
// the container's init into it.
func applyCgroup(cgroup cgroups.Manager, res *resources.Resources, pid int) error {
	if err := cgroup.Set(res); err != nil {
		return fmt.Errorf("set cgroup limits: %w", err)
	}
	if err := cgroup.Apply(pid); err != nil {
		return fmt.Errorf("apply cgroup: %w", err)
	}
	logrus.WithField("cgroup", cgroup.Paths()).Debug("container joined its cgroup")
	return nil
}

// forwardSignals passes each signal we receive on to the container until
// done is closed.
func forwardSignals(p *os.Process, signals <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case sig := <-signals:
			logrus.WithField("signal", sig).Debug("forwarding signal to the container")
			// The container may have just exited: nothing left to signal.
			_ = p.Signal(sig)
		case <-done:
			return
		}
	}
}

// exitStatusOf turns the result of Wait into a shell-style exit status.
func exitStatusOf(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return 0, fmt.Errorf("wait for container: %w", err)
	}
	return statusOf(exitErr.ProcessState), nil
}

// statusOf is the shell-style exit status of a process that has exited:
// its own, or 128+N when a signal N killed it.
func statusOf(ps *os.ProcessState) int {
	status, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return ps.ExitCode()
	}
	if status.Signaled() {
		return 128 + int(status.Signal())
	}
	return status.ExitStatus()
}
