package container

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/ch4-export/cgroups/resources"
	"github.com/mydocker/mydocker/ch4-export/overlay"
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

// RunOptions is what "mydocker run" was asked to do.
type RunOptions struct {
	// TTY connects the container to our stdin (the book's -ti).
	TTY bool
	// Command is the container's argv. It travels as a list from the
	// command line to execve, never joined into one string and split again.
	Command []string
	// Debug makes the container's init log at debug level too.
	Debug bool
	// Resources are the cgroup limits (-m, -cpushare, -cpuset).
	Resources resources.Resources
	// Root is mydocker's state directory (--root): images, layers and the
	// container's workspace live under it.
	Root string
	// Volumes are the host directories bind-mounted into the container (-v).
	Volumes []overlay.Volume
}

// NewParentProcess builds the command that starts the container: this
// binary, re-executed as "init" in new namespaces. /proc/self/exe is used
// rather than os.Args[0] because it names this exact binary whatever the
// caller's PATH or working directory.
//
// The user's command does not go on init's command line: it is written
// later to the returned pipe, which init reads as fd 3. Until then init
// waits, so the parent can first put it into its cgroup: the pipe is the
// start barrier.
func NewParentProcess(opts RunOptions) (*exec.Cmd, *os.File, error) {
	readPipe, writePipe, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("create the command pipe: %w", err)
	}
	args := []string{"init"}
	if opts.Debug {
		args = append([]string{"--debug"}, args...)
	}

	cmd := exec.Command("/proc/self/exe", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: NamespaceFlags,
		// If mydocker dies, the container must not live on unattended.
		Pdeathsig: syscall.SIGKILL,
	}
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
		cmd.Stdout, cmd.Stderr = writerOnly{os.Stdout}, writerOnly{os.Stderr}
		if sameFile(os.Stdout, os.Stderr) {
			// Ours are one (2>&1): the container's are one pipe too, so
			// that what it writes keeps its order.
			cmd.Stderr = cmd.Stdout
		}
	} else {
		cmd.Stdout = os.Stdout
		cmd.Stderr = os.Stderr
	}
	// ExtraFiles[0] becomes fd 3 in the child, after stdin, stdout, stderr.
	cmd.ExtraFiles = []*os.File{readPipe}
	cmd.Env = containerEnv(opts.TTY)
	return cmd, writePipe, nil
}

// containerEnv is the environment the user's command starts with.
func containerEnv(tty bool) []string {
	env := []string{defaultPath, "HOME=/root"}
	if term := os.Getenv("TERM"); tty && term != "" {
		env = append(env, "TERM="+term)
	}
	return env
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// writerOnly hides that w is an *os.File, so that os/exec copies to it
// through a pipe instead of handing the file itself to the container.
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

// sameFile reports whether a and b are open on the same file.
func sameFile(a, b *os.File) bool {
	sa, errA := a.Stat()
	sb, errB := b.Stat()
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
