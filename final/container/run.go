package container

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// Run creates the container and starts it, as its monitor m (package
// monitor's Monitor): the signals for the container arrive on signals.
// Once the command has started, opts.Started is told, and Run watches the
// container to its exit, tears it down and keeps it, exited, until rm (or removes it, with
// --rm); it returns the exit status: its own, or 128+N when a signal N
// killed it. A failure to start the command (127, 126) is an *initproc.ExecError,
// and the container is kept, exited, as docker does; any other failure
// leaves no container behind. The caller has reconciled the store (the
// CLI's prepareRun): once per command, not again here, since each reads
// every container's record.
func Run(opts RunOptions, m Monitor, signals <-chan os.Signal) (*state.Container, int, error) {
	store := state.Store{Root: opts.Root}
	for _, name := range opts.networkNames() {
		if _, err := (network.Store{Root: opts.Root}).Get(name); err != nil {
			return nil, 0, err
		}
	}
	st, err := newState(store, opts)
	if err != nil {
		return nil, 0, err
	}
	if st.Monitored {
		m.JoinCgroup(st.ID)
	}
	// start runs it again from these.
	err = saveRunOptions(st, opts)
	if err == nil {
		err = m.Prepare(st, opts.Log)
	}
	if err != nil {
		discard(store, st)
		return nil, 0, err
	}
	parent, pipes, err := createContainer(st, opts, m)
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
	if err := startContainer(st, opts.SeccompProgram, parent, pipes); err != nil {
		_ = parent.Wait()
		var execErr *initproc.ExecError
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
	if opts.Started != nil {
		opts.Started(st) // the monitor lets its caller return: it waits on
	}
	pipes.stopHealth = startHealth(store, st, m)
	status, err := watch(store, st, parent, pipes, signals)
	return st, status, err
}

// watch waits for the container's command to exit, passing our signals
// on to it, then tears it down and records its exit status, which it
// returns: its own, or 128+N when a signal N killed it.
func watch(store state.Store, st *state.Container, parent *exec.Cmd, pipes *initPipes, sigc <-chan os.Signal) (int, error) {
	done := make(chan struct{})
	go signals.Forward(parent.Process, sigc, done)
	err := parent.Wait()
	close(done)
	pipes.endHealth() // a check now would be of a container that is gone
	// Its DNS server's sockets hold its network namespace: they go first.
	pipes.closeDNS()
	status, err := signals.ExitStatus(err)
	if err != nil {
		return 0, err
	}
	// All of its output is logged and sent before anyone hears it exited.
	pipes.console.Drain()
	// Its processes are gone: the kernel deletes its veth with its network
	// namespace, while its clients hear that it exited.
	if err := finishWith(store, st, &status, true); err != nil {
		logrus.WithError(err).Warn("tear down the container")
	}
	pipes.console.Exited(status)
	for _, ep := range st.Endpoints() {
		// Gone before a restart makes it again, and before we exit.
		if err := network.AwaitVethGone(ep.Veth, 2*time.Second); err != nil {
			logrus.WithError(err).Warn("tear down the container")
		}
	}
	return status, nil
}

// newState makes the record of a new container: its directory, its
// config.json and its name.
func newState(store state.Store, opts RunOptions) (*state.Container, error) {
	owner, err := state.ProcessOf(os.Getpid())
	if err != nil {
		return nil, err
	}
	st := &state.Container{
		ID: state.NewID(), Name: opts.Name, Image: opts.Image, ImageID: opts.ImageID,
		Config: opts.Config, Command: opts.Command,
		Hostname: opts.Hostname, DNS: opts.DNS, Healthcheck: opts.Healthcheck,
		Created: time.Now(), Status: state.Created,
		Detached: opts.Detach, AutoRemove: opts.AutoRemove,
		Monitored: opts.Started != nil, Restart: opts.Restart, HostNetwork: opts.HostNetwork, NetworkContainer: opts.NetworkContainer,
		ReadOnly: opts.ReadOnly, TTY: opts.TTY, OpenStdin: opts.Interactive, Security: opts.Security,
		Volumes: opts.Volumes, Tmpfs: opts.Tmpfs, Resources: opts.Resources, Owner: owner,
		PortBindings: opts.Ports, PublishAll: opts.PublishAll, Process: opts.Process,
	}
	st.Env = containerEnv(st.HostnameOrID(), opts.TTY, opts.Env)
	if err := store.Create(st); err != nil {
		return nil, err
	}
	logEvent(st, "create", nil)
	return st, nil
}

// createContainer gives the container its filesystem, starts its init
// (which waits at the start barrier, with the stdio its monitor m makes)
// and puts it into its cgroup. Each step is recorded before it is made, so that discard undoes what was.
func createContainer(st *state.Container, opts RunOptions, m Monitor) (*exec.Cmd, *initPipes, error) {
	ws := st.Workspace()
	mount, fresh := ws.Create, true
	if ws.HasUpper() {
		// It ran before (or cp wrote into it before its first start):
		// its writable layer is kept.
		mount, fresh = ws.Remount, ws.Unstarted()
	}
	// The volumes' host directories are made here; init binds them, in
	// the container's mount namespace.
	if err := makeVolumes(st); err != nil {
		return nil, nil, err
	}
	if err := mount(opts.Layers); err != nil {
		return nil, nil, err
	}
	if err := mountShm(st, st.Process.ShmSize); err != nil {
		return nil, nil, err
	}
	// A new container's new volumes get the image's files, before anything
	// in the container runs.
	if fresh {
		if err := fillVolumes(st, ws.Merged()); err != nil {
			return nil, nil, err
		}
		if err := ws.ClearUnstarted(); err != nil {
			return nil, nil, err
		}
	}
	pipes, err := newInitPipes()
	if err != nil {
		return nil, nil, err
	}
	if pipes.console, err = m.Console(opts); err != nil {
		pipes.close()
		return nil, nil, fmt.Errorf("create the container's stdio: %w", err)
	}
	parent := NewParentProcess(opts, pipes)
	// init starts in the container's root, and pivots into it.
	parent.Dir = ws.Merged()
	// The cgroup and its limits come first: on cgroup v2 init is born in
	// it (CloneInto), elsewhere it joins it before its command starts.
	// The record's limits: docker update changes them for the runs to come.
	cgroup, err := makeCgroup(st, st.Resources)
	var cgroupDir *os.File
	if err == nil {
		cgroupDir, err = cloneIntoCgroup(cgroup, parent)
	}
	if err != nil {
		pipes.close()
		return nil, nil, err
	}
	err = startIn(st, parent)
	if cgroupDir != nil {
		cgroupDir.Close()
	}
	if err != nil {
		pipes.close()
		return nil, nil, fmt.Errorf("start container: %w", err)
	}
	pipes.closeTheirs()
	logrus.WithField("pid", parent.Process.Pid).Debug("container started, waiting for its command")
	err = recordInit(st, parent.Process.Pid)
	if err == nil {
		err = applyCgroup(cgroup, parent.Process.Pid)
	}
	if err == nil && opts.Network != "" {
		err = connect(st, opts, parent.Process.Pid)
	}
	if err == nil {
		err = writeEtcFiles(state.Store{Root: opts.Root}, st)
	}
	if err == nil && usesDNS(st) {
		// Ready before the command starts: its first question is answered.
		pipes.dns, err = serveDNS(st, parent.Process.Pid)
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
func connect(st *state.Container, opts RunOptions, pid int) error {
	nets := Networks(state.Store{Root: opts.Root})
	// Recorded under the networks' lock: an address that a state does
	// not record is then surely of a run that died, and collected.
	ep, err := nets.Reserve(opts.Network, st.ID, 0, publishedPorts(st, opts), func(ep *network.Endpoint) error {
		ep.Aliases = opts.Aliases
		// The other networks' places of a run before are gone with it.
		st.Endpoint, st.MoreEndpoints = ep, nil
		if err := st.Save(); err != nil {
			st.Endpoint = nil
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := nets.Connect(ep, pid); err != nil {
		return err
	}
	for i, more := range opts.MoreNetworks {
		if err := connectMore(st, more, i+1, pid); err != nil {
			return err
		}
	}
	return nil
}

// connectMore puts the container on one more network, in slot (its
// ethN), recorded as connect records the first.
func connectMore(st *state.Container, more state.NetworkAttach, slot, pid int) error {
	nets := Networks(state.Store{Root: st.Root()})
	ep, err := nets.Reserve(more.Name, st.ID, slot, nil, func(ep *network.Endpoint) error {
		ep.Aliases = more.Aliases
		st.MoreEndpoints = append(st.MoreEndpoints, ep)
		if err := st.Save(); err != nil {
			st.MoreEndpoints = st.MoreEndpoints[:len(st.MoreEndpoints)-1]
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("network %s: %w", more.Name, err)
	}
	return nets.Connect(ep, pid)
}

// recordInit writes the container's init into its state: whoever finds
// the container later knows which process is its own.
func recordInit(st *state.Container, pid int) error {
	p, err := state.ProcessOf(pid)
	if err != nil {
		return err
	}
	st.Init = p
	return st.Save()
}

// startContainer sends init the command, with the seccomp program prog
// to load, and waits until it runs or init says why it cannot.
func startContainer(st *state.Container, prog []byte, parent *exec.Cmd, pipes *initPipes) error {
	conf, err := confinement(st.Security, prog)
	if err != nil {
		// init waits at the start barrier: the end of the command pipe
		// sends it away, and the caller's Wait returns.
		pipes.command.Close()
		return err
	}
	cfg := initproc.Config{Args: st.Command, Hostname: st.HostnameOrID(), Cwd: st.Config.WorkingDir, User: st.Config.User, ReadOnly: st.ReadOnly,
		TTY: pipes.console.TTY(), ConsoleSize: pipes.console.Size(), EtcBinds: etcBinds(st), Confinement: conf}
	cfg.Volumes, cfg.Tmpfs = st.Volumes, st.Tmpfs
	cfg.Env = st.Env
	if cfg.Process, err = initProcess(st.Process); err == nil {
		cfg.Process.ShmSource, err = shmSource(st)
	}
	if err != nil {
		pipes.command.Close()
		return err
	}
	if err := initproc.SendConfig(cfg, pipes.command); err != nil {
		return err
	}
	// With -t, init sends the terminal before it runs the command; if it
	// fails first, the status pipe says why.
	masterErr := pipes.console.ReceiveTerminal()
	if err := initproc.ReadStatus(pipes.status); err != nil {
		return err
	}
	if masterErr != nil {
		return masterErr
	}
	st.Status, st.StartedAt, st.ExitCode = state.Running, time.Now(), nil
	if err := st.Save(); err != nil {
		return err
	}
	logEvent(st, "start", nil)
	return nil
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

// makeCgroup makes the container's cgroup with its limits, and, unless
// it is privileged, the device policy: only the usual devices, as docker
// (a node made with mknod inside cannot be opened).
func makeCgroup(st *state.Container, limits resources.Resources) (cgroups.Manager, error) {
	// Every container of final/ has a monitor and outlives the command
	// that ran it: it leaves that command's cgroups for its own, in every
	// hierarchy, so that the end of the caller's (a systemd unit, a
	// session) does not kill it.
	cgroup, err := cgroups.NewDetached(st.ID)
	if err != nil {
		return nil, err
	}
	res := limits
	if !st.Security.Privileged {
		rules, err := deviceRules(st.Process.Devices)
		if err != nil {
			return nil, err
		}
		res.Devices = append(resources.DefaultDeviceRules(), rules...)
	}
	if err := cgroup.Set(&res); err != nil {
		return nil, fmt.Errorf("set cgroup limits: %w", err)
	}
	return cgroup, nil
}

// cloneIntoCgroup has init born in its cgroup where the kernel can
// (cgroup v2, clone3 with CLONE_INTO_CGROUP): the cgroup's directory,
// open until init is started, or nil.
func cloneIntoCgroup(cgroup cgroups.Manager, parent *exec.Cmd) (*os.File, error) {
	c, ok := cgroup.(interface{ CloneInto() (*os.File, error) })
	if !ok {
		return nil, nil
	}
	f, err := c.CloneInto()
	if err != nil || f == nil {
		return nil, err
	}
	parent.SysProcAttr.UseCgroupFD, parent.SysProcAttr.CgroupFD = true, int(f.Fd())
	return f, nil
}

func applyCgroup(cgroup cgroups.Manager, pid int) error {
	if err := cgroup.Apply(pid); err != nil {
		return fmt.Errorf("apply cgroup: %w", err)
	}
	logrus.WithField("cgroup", cgroup.Paths()).Debug("container joined its cgroup")
	return nil
}
