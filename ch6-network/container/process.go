package container

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch6-network/cgroups/resources"
	"github.com/mydocker/mydocker/ch6-network/network"
	"github.com/mydocker/mydocker/ch6-network/overlay"
)

// NamespaceFlags are the namespaces every container gets: its own hostname
// (UTS), process numbers (PID), mount table (NS), System V IPC and network
// stack. There is no user namespace: mydocker needs root.
const NamespaceFlags = syscall.CLONE_NEWUTS | syscall.CLONE_NEWPID |
	syscall.CLONE_NEWNS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWNET

// defaultPath is the PATH a container starts with. The container does not
// inherit the caller's environment (sudo's variables, a home directory's
// PATH): like docker, it gets a small clean one.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// initEnv is the environment init starts with: nothing but ours, fixed.
var initEnv = []string{}

// RunOptions is what "mydocker run" was asked to do.
type RunOptions struct {
	// TTY connects the container to our stdin (the book's -ti).
	TTY bool
	// Detach runs the container in the background (-d, book 5.1): run
	// returns once it has started, and nobody waits for it.
	Detach bool
	// AutoRemove removes the container when it exits (--rm).
	AutoRemove bool
	// Name is the container's name (--name, book 5.2); one is made up
	// when it is empty.
	Name string
	// Image names <root>/images/IMAGE.tar (book 5.7).
	Image string
	// Command is the container's argv. It travels as a list from the
	// command line to execve, never joined into one string and split again.
	Command []string
	// Env is what -e added, as KEY=VALUE (book 5.8).
	Env []string
	// Debug makes the container's init log at debug level too.
	Debug bool
	// Resources are the cgroup limits (-m, -cpushare, -cpuset).
	Resources resources.Resources
	// Root is mydocker's state directory (--root): images, layers and the
	// containers live under it.
	Root string
	// Volumes are the host directories bind-mounted into the container (-v).
	Volumes []overlay.Volume
	// Network is the network the container joins (--net, book 6.3); none
	// leaves it with lo alone.
	Network string
	// Ports are the host ports mapped to it (-p, book 6.4).
	Ports []network.Port
}

// initPipes are the two pipes between run and the container's init: init
// reads its command from the first (the start barrier, fd 3) and reports a
// failure to start it on the second (fd 4), whose write end the exec
// closes, so that run reads end-of-file once the command runs.
type initPipes struct {
	command, status *os.File // our ends
	theirs          []*os.File
	log             *os.File // the container's log, open until it exits
}

func newInitPipes() (*initPipes, error) {
	cmdRead, cmdWrite, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create the command pipe: %w", err)
	}
	statusRead, statusWrite, err := os.Pipe()
	if err != nil {
		cmdRead.Close()
		cmdWrite.Close()
		return nil, fmt.Errorf("create the status pipe: %w", err)
	}
	return &initPipes{command: cmdWrite, status: statusRead, theirs: []*os.File{cmdRead, statusWrite}}, nil
}

// closeTheirs closes init's ends in our process, once init has them.
func (p *initPipes) closeTheirs() {
	for _, f := range p.theirs {
		f.Close()
	}
}

func (p *initPipes) close() {
	p.closeTheirs()
	p.command.Close()
	p.status.Close()
	if p.log != nil {
		p.log.Close()
	}
}

// NewParentProcess builds the command that starts the container: this
// binary, re-executed as "init" in new namespaces, in the container's
// root. /proc/self/exe is used rather than os.Args[0] because it names
// this exact binary whatever the caller's PATH or working directory.
//
// The user's command does not go on init's command line: it is written
// later to the command pipe, which init reads as fd 3. Until then init
// waits, so the parent can first put it into its cgroup: the pipe is the
// start barrier. Its output goes to log (book 5.3), and to ours when it
// runs in the foreground. A detached container reads nothing, and lives on
// in a session of its own when run exits.
func NewParentProcess(opts RunOptions, pipes *initPipes, log *os.File) *exec.Cmd {
	args := []string{"init"}
	if opts.Debug {
		args = append([]string{"--debug"}, args...)
	}

	cmd := exec.Command("/proc/self/exe", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: NamespaceFlags}
	// init is this binary, on the host, as root: it starts with a fixed
	// environment of ours. The container's travels in the init config and
	// is only given to execve (an image's or -e's LD_PRELOAD would
	// otherwise run in init, before any namespace or pivot).
	cmd.Env = initEnv
	// ExtraFiles[0] becomes fd 3 in the child, after stdin, stdout,
	// stderr; ExtraFiles[1] fd 4.
	cmd.ExtraFiles = pipes.theirs
	if opts.Debug {
		// init's own log lines go to our stderr, on fd 5, not to its
		// stderr, which is the container's: its log must hold only what
		// the container wrote. init closes it at the exec.
		cmd.ExtraFiles = append(append([]*os.File{}, pipes.theirs...), os.Stderr)
	}
	if opts.Detach {
		// Its own session: no terminal's hangup or Ctrl-C reaches it, and
		// no Pdeathsig: it must outlive us.
		cmd.SysProcAttr.Setsid = true
		cmd.Stdout, cmd.Stderr = log, log
		return cmd
	}
	// If mydocker dies, a foreground container must not live on unattended.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	// Unlike the book, the container's output always reaches ours, so that
	// scripts can read it as they read "docker run"; -ti adds stdin.
	if opts.TTY {
		cmd.Stdin = os.Stdin
		if isTerminal(os.Stdin) {
			// The container gets the terminal's foreground: its shell's job
			// control works, and Ctrl-C goes to it. Its process group must
			// be its own: the caller's group does not exist in the new PID
			// namespace, so an interactive shell could not give the terminal
			// back to it on exit ("Cannot set tty process group").
			cmd.SysProcAttr.Foreground = true
			cmd.SysProcAttr.Ctty = 0 // the child's fd 0 is the terminal
		}
	}
	if !cmd.SysProcAttr.Foreground {
		// Otherwise the container gets none of our terminal: a session of
		// its own, so it cannot open ours as /dev/tty, and our output
		// through pipes that we copy, since its root (CAP_SYS_ADMIN) could
		// type into our shell with TIOCSTI on any descriptor of our
		// terminal it held. Its own session is also its own process group:
		// a Ctrl-C at the terminal goes to the terminal's foreground group,
		// which is ours, and reaches the container once, forwarded by us.
		cmd.SysProcAttr.Setsid = true
	}
	if cmd.SysProcAttr.Foreground {
		// The terminal itself: the container's shell needs it to be one.
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd
	}
	// Through pipes, to us and to the log, as docker does: "logs" shows a
	// foreground container's output too.
	cmd.Stdout = io.MultiWriter(os.Stdout, log)
	cmd.Stderr = io.MultiWriter(os.Stderr, log)
	if sameFile(os.Stdout, os.Stderr) {
		// Ours are one (2>&1): the container's are one pipe too, so that
		// what it writes keeps its order.
		cmd.Stderr = cmd.Stdout
	}
	return cmd
}

// containerEnv is the environment the user's command starts with: a small
// clean one, as docker gives, never the caller's (sudo's variables, a home
// directory's PATH); then -e, which may override it.
func containerEnv(hostname string, tty bool, extra []string) []string {
	env := []string{defaultPath, "HOSTNAME=" + hostname, "HOME=/root"}
	if term := os.Getenv("TERM"); tty && term != "" {
		env = append(env, "TERM="+term)
	}
	for _, kv := range extra {
		key := kv[:strings.IndexByte(kv, '=')+1]
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, key) })
		env = append(env, kv)
	}
	return env
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// sameFile reports whether a and b are open on the same file.
func sameFile(a, b *os.File) bool {
	sa, errA := a.Stat()
	sb, errB := b.Stat()
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
