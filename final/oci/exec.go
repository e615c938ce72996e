package oci

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/security"
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
}

// execConfig is what exec sends its process, inside, on fd 3.
type execConfig struct {
	Process *specs.Process `json:"process"`
	Seccomp []byte         `json:"seccomp,omitempty"`
}

// joinOrder is the order the namespaces of a container are entered in:
// the user namespace first (the rights in the others come from it), the
// mount namespace last (after it, /proc is the container's).
var joinOrder = []specs.LinuxNamespaceType{
	specs.UserNamespace, specs.IPCNamespace, specs.UTSNamespace, specs.NetworkNamespace,
	specs.PIDNamespace, specs.CgroupNamespace, specs.MountNamespace,
}

// Exec runs another process in a running container: in all its
// namespaces and its cgroup, with the process's user, capabilities,
// rlimits and the container's seccomp filter. Detached, it returns once
// the process runs (its parent is then the caller's subreaper, a shim);
// otherwise it waits for it and returns its exit status.
func (c *Container) Exec(o ExecOptions) (int, error) {
	// As runc, a created container too: its init waits on the exec fifo,
	// in the namespaces the process joins (what a CNI plugin or a pod's
	// sidecar may want before start).
	if st := c.Status(); st != specs.StateRunning && st != specs.StateCreated {
		return 0, fmt.Errorf("cannot exec in a container that is %s", st)
	}
	p := o.Process
	if err := checkProcess(p); err != nil {
		return 0, err
	}
	if p.Terminal && o.ConsoleSocket == "" {
		return 0, errors.New("a terminal (-t) needs --console-socket")
	}
	cfg := execConfig{Process: p}
	if s := c.Spec.Linux.Seccomp; s != nil {
		var err error
		if cfg.Seccomp, err = security.CompileSeccomp(c.root(), s); err != nil {
			return 0, err
		}
	}
	nsFiles, join, err := c.openNamespaces()
	if err != nil {
		return 0, err
	}
	defer closeAll(nsFiles)
	if !o.Detach {
		// The process is orphaned when nsjoin's parent exits: as a
		// subreaper we get it back, to wait for it.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return 0, fmt.Errorf("become a subreaper: %w", err)
		}
	}
	pid, err := c.startExec(cfg, nsFiles, join, o)
	if err != nil {
		return 0, err
	}
	if o.PidFile != "" {
		if err := writePidFile(o.PidFile, pid); err != nil {
			return 0, err
		}
	}
	if o.Detach {
		return 0, nil
	}
	return waitPid(pid, o.Signals), nil
}

// openNamespaces opens init's namespaces, the ones the container has,
// and checks afterwards that init is still the container's: the files are
// then its namespaces, whatever happens to the pid.
func (c *Container) openNamespaces() ([]*os.File, string, error) {
	var files []*os.File
	var entries []string
	for _, t := range joinOrder {
		if !hasNamespace(c.Spec, t) {
			continue
		}
		f, err := os.Open(fmt.Sprintf("/proc/%d/ns/%s", c.Pid, procName[t]))
		if err != nil {
			closeAll(files)
			return nil, "", errNotRunning
		}
		// ExtraFiles[i] is fd 3+i in the child; the first three are ours.
		entries = append(entries, fmt.Sprintf("%s:fd:%d", procName[t], 6+len(files)))
		files = append(files, f)
	}
	if !c.alive() {
		closeAll(files)
		return nil, "", errNotRunning
	}
	return files, strings.Join(entries, ","), nil
}

// startExec starts nsjoin's enter-and-fork, sends the process its config
// and waits until it runs (or says why not); it returns its pid.
func (c *Container) startExec(cfg execConfig, nsFiles []*os.File, join string, o ExecOptions) (int, error) {
	cfgRead, cfgWrite, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	defer cfgWrite.Close()
	sync, syncChild, err := newSyncPair()
	if err != nil {
		cfgRead.Close()
		return 0, err
	}
	defer sync.Close()
	pidRead, pidWrite, err := os.Pipe()
	if err != nil {
		cfgRead.Close()
		syncChild.Close()
		return 0, err
	}
	defer pidRead.Close()
	// Sealed (exeseal.go): the process nsjoin forks inside runs it until
	// its execve, in sight of the container's processes.
	cmd, exe, err := selfCommand("exec-init", append([]*os.File{cfgRead, syncChild, pidWrite}, nsFiles...))
	if err != nil {
		cfgRead.Close()
		syncChild.Close()
		pidWrite.Close()
		return 0, err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	var dirs []string
	for _, d := range c.Cgroup {
		dirs = append(dirs, d)
	}
	cmd.Env = []string{"_MYDOCKER_RUNC_JOIN=" + join, "_MYDOCKER_RUNC_PIDPIPE=5", "_MYDOCKER_RUNC_CGROUP=" + strings.Join(dirs, ":")}
	err = cmd.Start()
	exe.Close()
	cfgRead.Close()
	syncChild.Close()
	pidWrite.Close()
	if err != nil {
		return 0, fmt.Errorf("start exec: %w", err)
	}
	line, _ := bufio.NewReader(pidRead).ReadString('\n')
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("enter the container: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return 0, errors.New("enter the container: no pid came back")
	}
	if err := json.NewEncoder(cfgWrite).Encode(cfg); err != nil {
		return 0, err
	}
	cfgWrite.Close()
	for {
		m, fd, err := recvMsg(sync)
		if errors.Is(err, io.EOF) {
			return pid, nil // the exec closed its end: it runs
		}
		if err != nil {
			return 0, err
		}
		switch m.Type {
		case msgError:
			_, _ = unix.Wait4(pid, nil, unix.WNOHANG, nil)
			return 0, errors.New(m.Message)
		case msgConsole:
			err = sendConsole(o.ConsoleSocket, fd)
			unix.Close(fd)
			if err != nil {
				_ = unix.Kill(pid, unix.SIGKILL)
				return 0, err
			}
		}
	}
}

// ExecInit is exec's process inside the container: nsjoin has entered
// every namespace and the cgroup, and forked. It sets up the process as
// init does its own, and executes it.
func ExecInit() error {
	runtime.LockOSThread()
	sync := os.NewFile(4, "sync")
	err := execInit(sync)
	if err != nil {
		_ = sendMsg(sync, syncMsg{Type: msgError, Message: err.Error()}, -1)
	}
	return err
}

func execInit(sync *os.File) error {
	if err := closeOnExec(); err != nil {
		return err
	}
	// A session of its own, as runc gives every process it starts: without
	// a terminal, no controlling terminal of the caller's stays with the
	// process (it could type into the caller's shell with TIOCSTI); with
	// one, the new session takes the pty (console.go). We are nsjoin's
	// forked child, never a group leader: setsid cannot fail with EPERM.
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("setsid: %w", err)
	}
	cfgFile := os.NewFile(3, "config")
	var cfg execConfig
	err := json.NewDecoder(cfgFile).Decode(&cfg)
	cfgFile.Close()
	if err != nil {
		return fmt.Errorf("exec: read the config: %w", err)
	}
	p := cfg.Process
	if p.Terminal {
		if err := setUpConsole(p, sync, false); err != nil {
			return err
		}
	}
	if err := setOOMScoreAdj(p); err != nil {
		return err
	}
	return confineAndExec(p, cfg.Seccomp, nil, nil)
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

// WaitForeground waits for a foreground run's init, our child.
func WaitForeground(cmd *exec.Cmd, signals <-chan os.Signal) int {
	return waitPid(cmd.Process.Pid, signals)
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
