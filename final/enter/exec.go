package enter

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/internal/passwd"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/nsenter"
	"github.com/mydocker/mydocker/final/oci"
	"github.com/mydocker/mydocker/final/state"
)

// Options are exec's flags: -i, -t, -d, -e, -w and -u.
type Options struct {
	Interactive bool             // -i: our stdin reaches the command
	TTY         bool             // -t: a terminal in the container's devpts
	Size        [2]uint16        // -t: our terminal's size (rows, columns) at the start, if known
	Resize      <-chan [2]uint16 // -t: our terminal's size, now and when it changes
	Detach      bool             // start it and return: its output is not kept
	Env         []string         // over the container's
	Workdir     string           // default: the container's WorkingDir
	User        string           // default: the container's User
	Privileged  bool             // all capabilities, no seccomp (exec --privileged)

	// What a caller other than the CLI (the API server) streams: the
	// command's stdio (nil: ours), the signals to pass on to it (nil:
	// the ones we receive), told its pid once it runs, and Cancel, which
	// kills it (its whole process group) when closed: its client is gone.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Signals        <-chan os.Signal
	Started        func(pid int)
	Cancel         <-chan struct{}
}

// Exec runs argv in the running container st (book 5.4) and returns its
// exit status: its own, 128+N for a signal, 127 or 126 when it cannot be
// run. This binary is run again, and package nsenter's constructor enters
// the container before Go starts. The command gets the container's
// environment (5.8), never ours, with -e over it; it runs as the
// container's user in its working directory, or as -u in -w; it joins its
// cgroup; tty connects our stdin.
func Exec(st *state.Container, argv []string, opts Options) (int, error) {
	if st.Status != state.Running || !st.Init.Alive() {
		return 0, fmt.Errorf("%w: %s", state.ErrNotRunning, st.Name)
	}
	// Its process would join the frozen cgroup and hang there, as docker
	// says.
	if st.Paused() {
		return 0, fmt.Errorf("Container %s is paused, unpause the container before exec", st.Name) //nolint:staticcheck // docker's words
	}
	dirs, err := cgroups.Dirs(st.ID)
	if err != nil {
		return 0, err
	}
	params := []string{
		nsenter.ParamPID + "=" + strconv.Itoa(st.Init.PID),
		nsenter.ParamStart + "=" + strconv.FormatUint(st.Init.Start, 10),
		nsenter.ParamCgroups + "=" + strings.Join(dirs, ":"),
	}
	who, env, err := execUser(st, opts)
	if err != nil {
		return 0, err
	}
	confine, _, err := confinement(st.Root(), st.Security, opts.Privileged)
	if err != nil {
		return 0, err
	}
	// What to enter, who to be and the command's environment travel on a
	// descriptor: this binary runs on the host, as root, with a fixed
	// environment of ours, so the host's dynamic loader reads no LD_* of
	// the image's, and nothing of the container's steers the constructor.
	limits, err := rlimitParams(st)
	if err != nil {
		return 0, err
	}
	config, err := nsenter.ConfigFile(slices.Concat(params, who, confine, limits), env)
	if err != nil {
		return 0, err
	}
	defer config.Close()
	cmd := exec.Command("/proc/self/exe", argv...)
	cmd.Env = []string{nsenter.EnvConfigFd + "=" + strconv.Itoa(nsenter.ConfigFd)}
	cmd.ExtraFiles = []*os.File{config}
	// Our binary runs in the container's namespaces until its execve:
	// from a read-only bind of it (or a sealed copy), never the file
	// itself, which a process of the container could otherwise reopen
	// through /proc/PID/exe and overwrite (CVE-2019-5736; sealed.go).
	path, sealed, err := oci.SealedExe(len(cmd.ExtraFiles))
	if err != nil {
		return 0, err
	}
	defer sealed.Close()
	cmd.Path = path
	if opts.Detach {
		return 0, execDetached(st, cmd)
	}
	sigc := opts.Signals
	if sigc == nil {
		ours := make(chan os.Signal, 8)
		signal.Notify(ours, signals.Forwarded...)
		defer signal.Stop(ours)
		sigc = ours
	}
	opts.defaultStdio()
	if opts.TTY {
		uid, gid := ownerOf(who)
		return execWithTerminal(st, cmd, opts, sigc, uid, gid)
	}
	// Our stdio is copied through pipes, never handed in: a process given
	// our terminal could push keystrokes into our shell (TIOCSTI).
	cmd.Stdout, cmd.Stderr = outputTo(opts.Stdout), outputTo(opts.Stderr)
	cmd.WaitDelay = time.Second // a process it left behind may hold the pipes
	var input *os.File
	if opts.Interactive {
		r, w, err := os.Pipe()
		if err != nil {
			return 0, err
		}
		defer r.Close()
		cmd.Stdin, input = r, w
	}
	// A session of its own: no controlling terminal, so that /dev/tty
	// cannot reach ours either. As in run: one Ctrl-C, forwarded by us,
	// not a second from the terminal.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		if input != nil {
			input.Close()
		}
		return 0, fmt.Errorf("exec in %s: %w", st.Name, err)
	}
	if input != nil {
		go copyAndClose(input, opts.Stdin)
	}
	return waitForExec(cmd, sigc, opts)
}

// ownerOf is the uid and gid that execUser's parameters make the command
// run as (root's, 0 and 0, without -u or a User).
func ownerOf(who []string) (uid, gid int) {
	for _, kv := range who {
		key, value, _ := strings.Cut(kv, "=")
		switch key {
		case nsenter.ParamUID:
			uid, _ = strconv.Atoi(value)
		case nsenter.ParamGID:
			gid, _ = strconv.Atoi(value)
		}
	}
	return uid, gid
}

// copyAndClose copies src to dst, then closes dst: the command sees the
// end of its input.
func copyAndClose(dst *os.File, src io.Reader) {
	_, _ = io.Copy(dst, src)
	dst.Close()
}

// waitForExec waits for the exec'd command, passing our signals on (and
// killing it if opts.Cancel closes), and returns its exit status.
func waitForExec(cmd *exec.Cmd, sigc <-chan os.Signal, opts Options) (int, error) {
	if opts.Started != nil {
		opts.Started(cmd.Process.Pid)
	}
	done := make(chan struct{})
	go signals.Forward(cmd.Process, sigc, done)
	go killOnCancel(cmd.Process.Pid, opts.Cancel, done)
	err := cmd.Wait()
	close(done)
	if cmd.ProcessState == nil {
		return signals.ExitStatus(err)
	}
	// Its status, even when its output outlived it (ErrWaitDelay).
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return cmd.ProcessState.ExitCode(), nil
}

// execUser resolves who exec runs as and where, in the container's own
// /etc (read inside /proc/PID/root: package passwd), to the numbers the nsenter
// constructor sets: nothing for the container's defaults when it has none
// (root, "/"). env is the command's environment: the container's as it
// was created (docker's Config.Env; never PID 1's /proc/PID/environ,
// which the container rewrites at will) with -e over it, and HOME the
// user's when -u names one or nothing set it.
func execUser(st *state.Container, opts Options) (params, env []string, err error) {
	spec, cwd := st.Config.User, st.Config.WorkingDir
	if opts.User != "" {
		spec = opts.User
	}
	if opts.Workdir != "" {
		cwd = opts.Workdir
	}
	if cwd != "" {
		params = append(params, nsenter.ParamCwd+"="+cwd)
	}
	env = image.MergeEnv(st.Env, opts.Env)
	newHome := !hasKey(opts.Env, "HOME") && (opts.User != "" || !hasKey(env, "HOME"))
	groupAdd := st.Process.GroupAdd // run's --group-add: exec's too, as docker's
	if spec == "" && !newHome && len(groupAdd) == 0 {
		return params, env, nil
	}
	root := fmt.Sprintf("/proc/%d/root", st.Init.PID)
	cred, err := passwd.LookupInRoot(root, spec)
	if err != nil && spec == "" {
		// Only HOME was looked for: root's, whatever the container did to
		// its /etc/passwd since.
		cred, err = passwd.Credential{Home: "/root"}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if newHome {
		env = image.MergeEnv(env, []string{"HOME=" + cred.Home})
	}
	if spec == "" && len(groupAdd) == 0 {
		return params, env, nil
	}
	if err := passwd.AddGroups(root, &cred, groupAdd); err != nil {
		return nil, nil, err
	}
	groups := make([]string, len(cred.Groups))
	for i, g := range cred.Groups {
		groups[i] = strconv.Itoa(g)
	}
	if len(groups) == 0 {
		groups = []string{strconv.Itoa(cred.GID)}
	}
	params = append(params, nsenter.ParamUID+"="+strconv.Itoa(cred.UID), nsenter.ParamGID+"="+strconv.Itoa(cred.GID),
		nsenter.ParamGroups+"="+strings.Join(groups, ","))
	return params, env, nil
}

// hasKey reports whether env sets key.
func hasKey(env []string, key string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}

// execDetached starts the exec'd command in a session of its own, with
// no stdin and its output thrown away (docker exec -d), and returns once
// the nsenter constructor has entered the container: its exit is nobody's
// business then.
func execDetached(st *state.Container, cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec in %s: %w", st.Name, err)
	}
	return cmd.Process.Release()
}
