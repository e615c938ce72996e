package container

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/state"
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
	// TTY gives the container a terminal of its own (-t).
	TTY bool
	// Interactive connects the container's stdin to its clients' (-i).
	Interactive bool
	// ConsoleSize is the caller's terminal's rows and columns, for -t.
	ConsoleSize [2]uint16
	// MergeOutput gives the command one pipe for stdout and stderr, so
	// that what it writes keeps its order: a foreground run whose own
	// stdout and stderr are one file (2>&1) asks for it. Its log then
	// has it all as stdout, as with -t.
	MergeOutput bool `json:"mergeOutput,omitempty"`
	// Security is --privileged, --cap-add, --cap-drop, --security-opt.
	Security state.SecurityOptions
	// SeccompProgram is the seccomp filter that Security asks for,
	// compiled by the caller (seccompProgram in cmd/mydocker): the
	// monitor, which starts the container, is a small binary without
	// libseccomp. It is compiled again for every start, as docker does,
	// so it is not kept with the container's options.
	SeccompProgram []byte `json:"-"`
	// Log caps the container's log (--log-opt).
	Log LogOptions
	// Detach runs the container in the background (-d, book 5.1): run
	// returns once it has started, and nobody waits for it.
	Detach bool
	// AutoRemove removes the container when it exits (--rm).
	AutoRemove bool
	// Name is the container's name (--name, book 5.2); one is made up
	// when it is empty.
	Name string
	// Image is the image as the user named it; ImageID is the image it
	// resolved to, and Layers are its layer directories, top first.
	Image   string
	ImageID string
	Layers  []string
	// Config is what the container runs: the image's config with the run
	// flags over it (Entrypoint, Cmd, Env, WorkingDir, User).
	Config state.Config
	// Command is the container's argv: Entrypoint then Cmd. It travels as
	// a list from the command line to execve, never joined into one
	// string and split again.
	Command []string
	// Env is the image's Env with -e over it, as KEY=VALUE (book 5.8).
	Env []string
	// Debug makes the container's init log at debug level too.
	Debug bool
	// Resources are the cgroup limits (-m, -cpushare, -cpuset).
	Resources resources.Resources
	// Root is mydocker's state directory (--root): images, layers and the
	// containers live under it.
	Root string
	// Volumes are the host directories bind-mounted into the container
	// (-v, --mount): a path of the host's, or a volume of the store.
	Volumes []overlay.Volume
	// Tmpfs are its tmpfs mounts (--tmpfs, --mount type=tmpfs).
	Tmpfs []overlay.Tmpfs
	// Network is the network the container joins (--net, book 6.3); none
	// leaves it with lo alone.
	Network string
	// Aliases are its more names on its network (--network-alias).
	Aliases []string
	// MoreNetworks are the networks it joins besides Network: --network
	// given again, and network connect's (which writes them here, so
	// that they hold at the next start).
	MoreNetworks []state.NetworkAttach
	// Ports are the host ports mapped to it (-p, book 6.4), as asked;
	// PublishAll (-P) adds a free one for each of Config.ExposedPorts.
	Ports      []network.Port
	PublishAll bool
	// ReadOnly mounts the root filesystem read-only (--read-only).
	ReadOnly bool
	// Hostname is --hostname; "" gives the short ID.
	Hostname string
	// DNS is --dns, --dns-search, --dns-option and --add-host.
	DNS state.DNSConfig
	// Healthcheck is the image's HEALTHCHECK with --health-* over it.
	Healthcheck *state.HealthConfig
	// HostNetwork keeps the container in the host's network namespace
	// (--network host).
	HostNetwork bool
	// NetworkContainer is the ID of a running container whose network
	// namespace it joins (--network container:NAME).
	NetworkContainer string
	// Restart is the --restart policy, which the monitor applies.
	Restart state.RestartPolicy
	// Process is --ulimit, --shm-size, --sysctl, --group-add, --init.
	Process state.ProcessOptions
	// Started, when set, is called once the command runs, and Run then
	// waits for the container even when it is detached: the monitor's
	// mode (see package monitor's Monitor).
	Started func(*state.Container) `json:"-"`
}

// initPipes are the two pipes between run and the container's init: init
// reads its command from the first (the start barrier, fd 3) and reports a
// failure to start it on the second (fd 4), whose write end the exec
// closes, so that run reads end-of-file once the command runs.
type initPipes struct {
	command, status *os.File // our ends
	theirs          []*os.File
	console         Console // the command's stdio, held by the monitor
	dns             *dnsService
	stopHealth      func() // the health check's, while the command runs
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
	if p.console != nil {
		p.console.CloseTheirs()
	}
}

// closeDNS stops the container's DNS server, if it has one.
func (p *initPipes) closeDNS() {
	p.dns.Close()
	p.dns = nil
}

// endHealth stops the container's health check, if it has one.
func (p *initPipes) endHealth() {
	if p.stopHealth != nil {
		p.stopHealth()
		p.stopHealth = nil
	}
}

func (p *initPipes) close() {
	p.endHealth()
	p.closeDNS()
	p.closeTheirs()
	p.command.Close()
	p.status.Close()
	if p.console != nil {
		p.console.Close()
	}
}

// NewParentProcess builds the command that starts the container: this
// binary, re-executed as "init" in new namespaces, in the container's
// root, or the same init as the small binary mydocker-init beside it when
// only root can have put it there (initBinary). /proc/self/exe is used
// rather than os.Args[0] because it names this exact binary whatever the
// caller's PATH or working directory.
//
// The user's command does not go on init's command line: it is written
// later to the command pipe, which init reads as fd 3. Until then init
// waits, so the parent can first put it into its cgroup: the pipe is the
// start barrier. Its parent is always the container's monitor, which
// holds its stdio (the console: pipes, or with -t the console socket that
// the terminal comes back on); it is in a session of its own, so no
// terminal's hangup or Ctrl-C reaches it but through the monitor.
func NewParentProcess(opts RunOptions, pipes *initPipes) *exec.Cmd {
	args := []string{"init"}
	if opts.Debug {
		args = append([]string{"--debug"}, args...)
	}

	cmd := exec.Command(initBinary(), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: NamespaceFlags, Setsid: true}
	if opts.HostNetwork || opts.NetworkContainer != "" {
		// The host's, or (started from a thread in it: startIn) another
		// container's.
		cmd.SysProcAttr.Cloneflags &^= syscall.CLONE_NEWNET
	}
	// --ipc host, --pid host: the host's; container:NAME, another
	// container's (startIn).
	if opts.Process.IpcMode == "host" || state.SharedWith(opts.Process.IpcMode) != "" {
		cmd.SysProcAttr.Cloneflags &^= syscall.CLONE_NEWIPC
	}
	if opts.Process.PidMode != "" {
		cmd.SysProcAttr.Cloneflags &^= syscall.CLONE_NEWPID
	}
	// init is our binary, on the host, as root: it starts with a fixed
	// environment of ours. The container's (the image's Env, -e) travels
	// in the init config and is only given to execve: an image's
	// LD_PRELOAD would otherwise run its author's code in init, as root on
	// the host, before any namespace or pivot.
	cmd.Env = initEnv
	// ExtraFiles[0] becomes fd 3 in the child, after stdin, stdout,
	// stderr; ExtraFiles[1] fd 4, and with -t the console socket fd 5.
	stdin, stdout, stderr, extra := pipes.console.Files()
	cmd.ExtraFiles = append(append([]*os.File{}, pipes.theirs...), extra...)
	if opts.Debug {
		// init's own log lines go to our stderr, on initproc.LogFd, not to its
		// stderr, which is the container's: its log must hold only what
		// the container wrote. init closes it at the exec.
		for len(cmd.ExtraFiles) < initproc.LogFd-3 {
			cmd.ExtraFiles = append(cmd.ExtraFiles, nil) // closed in init
		}
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.Stderr)
	}
	// A nil stdin is /dev/null; a nil stdout is too, for -t, whose
	// output comes through the terminal.
	if stdin != nil {
		cmd.Stdin = stdin
	}
	if stdout != nil {
		cmd.Stdout, cmd.Stderr = stdout, stderr
	}
	return cmd
}

// containerEnv is the environment the user's command starts with: a small
// clean one, as docker gives, never the caller's (sudo's variables, a home
// directory's PATH); then -e, which may override it.
//
// HOME is not here: init sets it from the user's entry in the image's
// /etc/passwd, once it knows the user, unless the image or -e set it.
func containerEnv(hostname string, tty bool, extra []string) []string {
	env := []string{defaultPath, "HOSTNAME=" + hostname}
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

// networkNames are the networks the container joins, its first first.
func (o RunOptions) networkNames() []string {
	var names []string
	if o.Network != "" {
		names = append(names, o.Network)
	}
	for _, m := range o.MoreNetworks {
		names = append(names, m.Name)
	}
	return names
}
