package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/procstat"
	"github.com/mydocker/mydocker/final/nsenter"
	"github.com/mydocker/mydocker/final/seccomp"
)

// CreateOptions are create's flags.
type CreateOptions struct {
	Root, ID, Bundle string
	PidFile          string
	ConsoleSocket    string
	NoPivot          bool
	NoNewKeyring     bool
	// Foreground keeps init our child (run without -d): we wait for it.
	Foreground bool
	// Passed are the descriptors the program gets from fd 3 on, as runc
	// passes them: ListenFDs of socket activation ($LISTEN_FDS, which
	// the program is then told), then --preserve-fds more.
	Passed    []*os.File
	ListenFDs int
	// PidfdSocket is a unix socket to send a pidfd of init to.
	PidfdSocket string
}

// Create makes the container and leaves its init waiting for start. On
// failure nothing of it is left: no process, cgroup or state.
func Create(o CreateOptions) (c *Container, err error) {
	c, plan, err := newContainer(o)
	if err != nil {
		return nil, err
	}
	initPid := 0
	defer func() {
		if err != nil {
			c.destroy(initPid)
			c = nil
		}
	}()
	initPid, err = c.create(o, plan)
	return c, err
}

// newContainer checks the bundle and o, and makes the container's record
// (create's and restore's first half).
func newContainer(o CreateOptions) (*Container, namespacePlan, error) {
	if err := CheckID(o.ID); err != nil {
		return nil, namespacePlan{}, err
	}
	bundle, err := filepath.Abs(o.Bundle)
	if err != nil {
		return nil, namespacePlan{}, err
	}
	spec, err := LoadSpec(bundle)
	if err != nil {
		return nil, namespacePlan{}, err
	}
	if spec.Process != nil {
		if err := checkProcess(spec.Process); err != nil {
			return nil, namespacePlan{}, fmt.Errorf("config.json: %w", err)
		}
		if spec.Process.Terminal && o.ConsoleSocket == "" {
			return nil, namespacePlan{}, errors.New("process.terminal is true: --console-socket is required")
		}
		if !spec.Process.Terminal && o.ConsoleSocket != "" {
			return nil, namespacePlan{}, errors.New("--console-socket is for process.terminal: the config has no terminal")
		}
	}
	plan, err := planNamespaces(spec)
	if err != nil {
		return nil, namespacePlan{}, err
	}
	if err := closeInheritedOnExec(); err != nil {
		return nil, namespacePlan{}, err
	}
	if err := checkSysctls(spec); err != nil {
		return nil, namespacePlan{}, err
	}
	if err := os.MkdirAll(o.Root, 0o700); err != nil {
		return nil, namespacePlan{}, fmt.Errorf("make the state root: %w", err)
	}
	dir := filepath.Join(o.Root, o.ID)
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, namespacePlan{}, fmt.Errorf("container %s already exists", o.ID)
		}
		return nil, namespacePlan{}, fmt.Errorf("make the container's directory: %w", err)
	}
	c := &Container{ID: o.ID, Bundle: bundle, Created: time.Now().UTC(), Owner: owner(), Spec: spec, dir: dir}
	return c, plan, nil
}

// root is the runtime's --root that holds the container: compiled seccomp
// programs are kept there (seccomp.Compile).
func (c *Container) root() string { return filepath.Dir(c.dir) }

// create starts init and follows it until it is ready; it returns init's
// pid once started (for destroy to kill it if create fails after).
func (c *Container) create(o CreateOptions, plan namespacePlan) (int, error) {
	s := c.Spec
	cg, pidsLimit, err := newCgroup(s, c.ID)
	if err != nil {
		return 0, err
	}
	c.Cgroup = cg.Paths()
	if err := c.save(); err != nil {
		return 0, err
	}
	pidfds, err := dialPidfdSocket(o.PidfdSocket)
	if err != nil {
		return 0, err
	}
	defer pidfds.Close()
	if err := unix.Mkfifo(c.fifo(), 0o622); err != nil {
		return 0, fmt.Errorf("make the exec fifo: %w", err)
	}
	cfg := initConfig{ID: c.ID, Bundle: c.Bundle, Rootfs: rootfsOf(c.Bundle, s), Spec: withListenFDs(s, o.ListenFDs),
		NoPivot: o.NoPivot, NoNewKeyring: o.NoNewKeyring, InUserNS: hasNamespace(s, specs.UserNamespace)}
	if s.Process != nil {
		cfg.AppArmor = appArmorProfile(s.Process.ApparmorProfile)
	}
	if ns, ok := namespace(s, specs.CgroupNamespace); ok && ns.Path == "" {
		cfg.NewCgroupNS = true
		plan.clone &^= unix.CLONE_NEWCGROUP
	}
	if s.Linux.Seccomp != nil {
		if cfg.SeccompFlags, err = seccomp.FilterFlags(s.Linux.Seccomp.Flags); err != nil {
			return 0, fmt.Errorf("config.json: %w", err)
		}
		if cfg.Seccomp, err = seccomp.Compile(c.root(), s.Linux.Seccomp); err != nil {
			return 0, err
		}
	}
	idmapped, index, err := prepareIDMapped(s)
	if err != nil {
		return 0, err
	}
	defer closeAll(idmapped) // init has them once started
	cfg.IDMapped = index
	sync, syncInit, err := newSyncPair()
	if err != nil {
		return 0, err
	}
	defer sync.Close()
	cfgRead, cfgWrite, err := os.Pipe()
	if err != nil {
		syncInit.Close()
		return 0, err
	}
	defer cfgWrite.Close()
	fifo, err := os.OpenFile(c.fifo(), os.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		cfgRead.Close()
		syncInit.Close()
		return 0, fmt.Errorf("open the exec fifo: %w", err)
	}
	defer fifo.Close()
	own := append([]*os.File{cfgRead, syncInit, fifo, nil}, idmapped...)
	report, err := reportPipe(plan, &own)
	if err != nil {
		cfgRead.Close()
		syncInit.Close()
		return 0, err
	}
	defer closeAll(report[:])
	joinParams := []string{nsenter.ParamJoin + "=" + plan.initJoinList(), nsenter.ParamProg + "=mydocker-runc"}
	if plan.newTime {
		joinParams = append(joinParams, nsenter.ParamTimeNS+"="+timeOffsetsParam(s.Linux.TimeOffsets))
	}
	if plan.unshare != 0 {
		joinParams = append(joinParams, nsenter.ParamUnshare+"="+strconv.FormatUint(uint64(plan.unshare), 10))
	}
	if report[1] != nil {
		joinParams = append(joinParams, nsenter.ParamReport+"="+strconv.Itoa(initFd(len(o.Passed), len(own)-1)))
	}
	join, err := nsenter.ConfigFile(joinParams, nil)
	if err != nil {
		cfgRead.Close()
		syncInit.Close()
		return 0, err
	}
	defer join.Close()
	own[initNsenterFd] = join
	cmd, exe, err := initCommand(s, plan, o.Passed, own)
	if err != nil {
		cfgRead.Close()
		syncInit.Close()
		return 0, err
	}
	cgroupDir, err := cloneInto(cg, cmd)
	if err == nil {
		err = onJoinedThread(plan.threadJoin, func() error {
			return startWithAffinity(execAffinity(s.Process), cmd.Start)
		})
	}
	if cgroupDir != nil {
		cgroupDir.Close()
	}
	exe.Close()
	cfgRead.Close()
	syncInit.Close()
	if err != nil {
		return 0, fmt.Errorf("start init: %w", err)
	}
	pid, err := initPid(cmd, report)
	if err != nil {
		return 0, err
	}
	logrus.WithFields(logrus.Fields{"pid": pid, "clone": fmt.Sprintf("%#x", plan.clone), "join": plan.initJoinList()}).
		Debug("create: init started in its namespaces")
	if err := c.recordInit(pid); err != nil {
		return pid, err
	}
	if err := cg.Apply(pid); err != nil {
		return pid, fmt.Errorf("join the cgroup: %w", err)
	}
	if err := json.NewEncoder(cfgWrite).Encode(cfg); err != nil {
		return pid, fmt.Errorf("send init its config: %w", err)
	}
	cfgWrite.Close()
	logrus.WithField("cgroup", c.Cgroup).Debug("create: init joined its cgroup and has its config")
	if err := c.follow(sync, o.ConsoleSocket); err != nil {
		return pid, err
	}
	if err := setPidsLimit(cg, pidsLimit); err != nil {
		return pid, err
	}
	if err := pidfds.send(pid, "standard"); err != nil {
		return pid, err
	}
	if o.PidFile != "" {
		if err := writePidFile(o.PidFile, c.Pid); err != nil {
			return pid, err
		}
	}
	logrus.WithField("pid", c.Pid).Debug("create: init is ready, waiting for start")
	return pid, nil
}

// reportPipe is the pipe on which init's constructor reports init's pid
// when it forks init (forkInit), its write end appended to own; else none.
func reportPipe(plan namespacePlan, own *[]*os.File) ([2]*os.File, error) {
	if !plan.forkInit() {
		return [2]*os.File{}, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return [2]*os.File{}, err
	}
	*own = append(*own, w)
	return [2]*os.File{r, w}, nil
}

// initPid is init's pid: the process started, or the one its constructor
// forked into a new pid namespace and reported (our child too: it was
// forked with CLONE_PARENT), once the process started has exited.
func initPid(cmd *exec.Cmd, report [2]*os.File) (int, error) {
	if report[0] == nil {
		return cmd.Process.Pid, nil
	}
	report[1].Close() // ours: the pipe ends when the constructor exits
	pid, failure := readReport(report[0])
	waitErr := cmd.Wait()
	if failure != "" {
		return pid, errors.New(failure)
	}
	if pid <= 0 {
		return 0, fmt.Errorf("init's constructor reported no pid: %v", waitErr)
	}
	return pid, nil
}

// initCommand is init's command: this binary again (sealed: see
// exeseal.go), with the descriptors passed to the program and then its
// own (cfg, sync, fifo and join), in the namespaces the spec asks for,
// with the caller's stdio (its own pipes or files: what the container
// writes goes where the client said), in a session of its own. join is package nsenter's
// configuration: its constructor makes init non-dumpable before Go
// starts, and joins the user and mount namespaces given by path.
func initCommand(s *specs.Spec, plan namespacePlan, passed, own []*os.File) (*exec.Cmd, *os.File, error) {
	cmd, exe, err := selfCommand("init", append(slices.Clip(passed), own...)) // see initFd
	if err != nil {
		return nil, nil, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = []string{nsenter.EnvConfigFd + "=" + strconv.Itoa(initFd(len(passed), initNsenterFd)),
		envPassedFds + "=" + strconv.Itoa(len(passed))}
	// A session of its own, as runc's init always has: without a
	// terminal of its own, the container keeps no controlling terminal of
	// the caller's, whose /dev/tty it could open and type into (TIOCSTI);
	// with one, it is the session's leader that takes the pty as its
	// terminal (console.go).
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: plan.clone, Setsid: true}
	if plan.clone&unix.CLONE_NEWUSER != 0 {
		cmd.SysProcAttr.UidMappings = idMaps(s.Linux.UIDMappings)
		cmd.SysProcAttr.GidMappings = idMaps(s.Linux.GIDMappings)
		cmd.SysProcAttr.GidMappingsEnableSetgroups = true
		// init must be root of the new user namespace, which we, root of
		// the host, are not (host uid 0 is not mapped in it): exec would
		// take every capability away.
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: 0, Gid: 0}
	}
	return cmd, exe, nil
}

func idMaps(list []specs.LinuxIDMapping) []syscall.SysProcIDMap {
	var maps []syscall.SysProcIDMap
	for _, m := range list {
		maps = append(maps, syscall.SysProcIDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)})
	}
	return maps
}

// cloneInto has init born in its cgroup where the kernel can (cgroup v2).
func cloneInto(cg cgroups.Manager, cmd *exec.Cmd) (*os.File, error) {
	c, ok := cg.(interface{ CloneInto() (*os.File, error) })
	if !ok {
		return nil, nil
	}
	f, err := c.CloneInto()
	if err != nil || f == nil {
		return nil, err
	}
	cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(f.Fd())
	return f, nil
}

func (c *Container) recordInit(pid int) error {
	st, err := procstat.Read(pid)
	if err != nil {
		return fmt.Errorf("read init's start time: %w", err)
	}
	c.Pid, c.StartTime = pid, st.StartTime
	c.Descriptors = stdioDescriptors(pid)
	return c.save()
}

// follow answers init until it is ready: it runs the prestart and
// createRuntime hooks when init has made the namespaces and mounts, and
// passes the terminal on to the console socket.
func (c *Container) follow(sync *os.File, consoleSocket string) error {
	for {
		m, fd, err := recvMsg(sync)
		if errors.Is(err, io.EOF) {
			return errors.New("init exited before the container was created")
		}
		if err != nil {
			return err
		}
		switch m.Type {
		case msgError:
			return errors.New(m.Message)
		case msgConsole:
			err = sendConsole(consoleSocket, fd)
			unix.Close(fd)
		case msgHooks:
			err = c.createHooks()
			if err == nil {
				err = sendMsg(sync, syncMsg{Type: msgResume}, -1)
			}
		case msgReady:
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// createHooks runs the prestart (deprecated, but still what clients use)
// and createRuntime hooks, in the runtime's namespace.
func (c *Container) createHooks() error {
	h := c.Spec.Hooks
	if h == nil {
		return nil
	}
	st := c.State()
	st.Status = specs.StateCreated // the state a prestart hook is told (hooks_stdin)
	if err := runHooks("prestart", h.Prestart, st); err != nil {
		return err
	}
	st.Status = specs.StateCreating
	return runHooks("createRuntime", h.CreateRuntime, st)
}

// destroy undoes a create that failed half-way, or a delete: init (if
// any: initPid, our child, or the recorded one) killed, the cgroup and
// the state removed.
func (c *Container) destroy(initPid int) {
	if initPid > 0 {
		// Our child, not yet waited for: its pid is not reused before.
		_ = unix.Kill(initPid, unix.SIGKILL)
		_, _ = unix.Wait4(initPid, nil, 0, nil)
	} else if c.alive() {
		_ = c.signal(unix.SIGKILL)
		c.waitGone(5 * time.Second)
	}
	c.removeCgroup()
	if err := os.RemoveAll(c.dir); err != nil {
		logrus.WithError(err).Warn("remove the container's state")
	}
}

// removeCgroup kills what is left in the cgroup and removes it.
func (c *Container) removeCgroup() {
	if len(c.Cgroup) == 0 {
		return
	}
	if pids, err := cgroups.PidsIn(c.Cgroup); err == nil {
		for _, pid := range pids {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
	}
	for _, dir := range c.Cgroup {
		if err := removeDirWhenEmpty(dir); err != nil {
			logrus.WithError(err).Warn("remove the container's cgroup")
		}
	}
}

// waitGone waits until init is gone (or a zombie) or timeout passes.
func (c *Container) waitGone(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for delay := time.Millisecond; time.Now().Before(deadline); delay = min(2*delay, 50*time.Millisecond) {
		if !c.alive() {
			return true
		}
		time.Sleep(delay)
	}
	return !c.alive()
}

func rootfsOf(bundle string, s *specs.Spec) string {
	if filepath.IsAbs(s.Root.Path) {
		return s.Root.Path
	}
	return filepath.Join(bundle, s.Root.Path)
}

// writePidFile writes pid atomically and durably: a reader never sees
// half of it, and a crash after create returned never loses it.
func writePidFile(path string, pid int) error {
	// Its directory must be there, as runc's: a mistyped path is the
	// caller's error, not a directory for atomicfile to make.
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		return fmt.Errorf("write the pid file: %w", err)
	}
	if err := atomicfile.Write(path, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("write the pid file: %w", err)
	}
	return nil
}

func owner() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Getuid())
}

// withListenFDs is the spec init runs the program of: with socket
// activation's variables for the descriptors passed (as runc: LISTEN_PID
// 1, the program's pid in its namespace), the spec itself otherwise. The
// record keeps the spec without them: exec's processes get none.
func withListenFDs(s *specs.Spec, n int) *specs.Spec {
	if n == 0 || s.Process == nil {
		return s
	}
	spec, p := *s, *s.Process
	p.Env = append(slices.Clip(p.Env), "LISTEN_FDS="+strconv.Itoa(n), "LISTEN_PID=1")
	spec.Process = &p
	return &spec
}
