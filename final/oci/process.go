package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/security"
)

// rlimitTypes are the names process.rlimits uses.
var rlimitTypes = map[string]int{
	"RLIMIT_AS": unix.RLIMIT_AS, "RLIMIT_CORE": unix.RLIMIT_CORE, "RLIMIT_CPU": unix.RLIMIT_CPU,
	"RLIMIT_DATA": unix.RLIMIT_DATA, "RLIMIT_FSIZE": unix.RLIMIT_FSIZE, "RLIMIT_LOCKS": unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK": unix.RLIMIT_MEMLOCK, "RLIMIT_MSGQUEUE": unix.RLIMIT_MSGQUEUE, "RLIMIT_NICE": unix.RLIMIT_NICE,
	"RLIMIT_NOFILE": unix.RLIMIT_NOFILE, "RLIMIT_NPROC": unix.RLIMIT_NPROC, "RLIMIT_RSS": unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO": unix.RLIMIT_RTPRIO, "RLIMIT_RTTIME": unix.RLIMIT_RTTIME, "RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK": unix.RLIMIT_STACK,
}

// checkProcess refuses a process the runtime could not run as written,
// before anything is made.
func checkProcess(p *specs.Process) error {
	if len(p.Args) == 0 && p.CommandLine == "" {
		return errors.New("process.args must not be empty")
	}
	if p.Cwd == "" || !filepath.IsAbs(p.Cwd) {
		return fmt.Errorf("process.cwd %q must be an absolute path", p.Cwd)
	}
	for _, r := range p.Rlimits {
		if _, ok := rlimitTypes[r.Type]; !ok {
			return fmt.Errorf("process.rlimits: unknown type %q", r.Type)
		}
	}
	if c := p.Capabilities; c != nil {
		return checkProcessCaps(c)
	}
	return nil
}

// setRlimits sets process.rlimits. Through syscall.Setrlimit, so that the
// Go runtime, which raised its own RLIMIT_NOFILE at start, forgets the
// value it would restore at exec (and the limit given is the one kept).
func setRlimits(list []specs.POSIXRlimit) error {
	for _, r := range list {
		lim := syscall.Rlimit{Cur: r.Soft, Max: r.Hard}
		if err := syscall.Setrlimit(rlimitTypes[r.Type], &lim); err != nil {
			var cur syscall.Rlimit
			_ = syscall.Getrlimit(rlimitTypes[r.Type], &cur)
			return fmt.Errorf("set %s to %d:%d (the hard limit we have is %d): %w", r.Type, r.Soft, r.Hard, cur.Max, err)
		}
	}
	return nil
}

// setOOMScoreAdj writes process.oomScoreAdj, while we may still lower it.
func setOOMScoreAdj(p *specs.Process) error {
	if p.OOMScoreAdj == nil {
		return nil
	}
	// After the pivot: through a checked procfs handle (procself.go).
	if err := writeProcSelf("oom_score_adj", fmt.Sprint(*p.OOMScoreAdj)); err != nil {
		return fmt.Errorf("set oom_score_adj: %w", err)
	}
	return nil
}

// capValues are capability names (CAP_X) as the library's values.
func capValues(names []string) ([]capability.Cap, error) {
	known := map[string]capability.Cap{}
	for _, c := range capability.ListKnown() {
		known["CAP_"+strings.ToUpper(c.String())] = c
	}
	var caps []capability.Cap
	for _, n := range names {
		c, ok := known[strings.ToUpper(n)]
		if !ok {
			return nil, fmt.Errorf("process.capabilities: unknown capability %q", n)
		}
		caps = append(caps, c)
	}
	return caps, nil
}

// becomeProcess switches init (or an exec'd process) to the process's
// user and capabilities, in the order the kernel forces: the bounding set
// while we still have CAP_SETPCAP, capabilities kept across the uid
// switch (which would clear them), then every set exactly.
func becomeProcess(p *specs.Process, set capability.Capabilities) error {
	caps := p.Capabilities
	if caps == nil {
		caps = &specs.LinuxCapabilities{}
	}
	bounding, _ := capValues(caps.Bounding)
	set.Clear(capability.BOUNDS)
	set.Set(capability.BOUNDING, bounding...)
	if err := set.Apply(capability.BOUNDS); err != nil {
		return fmt.Errorf("set the bounding set: %w", err)
	}
	if err := security.KeepCapsAcrossSetuid(); err != nil {
		return fmt.Errorf("keep capabilities across setuid: %w", err)
	}
	if err := switchUser(p.User); err != nil {
		return err
	}
	set.Clear(capability.CAPS | capability.AMBIENT)
	// The kernel raises an ambient capability only if it is inheritable
	// too: as runc and crun, the ambient ones are made inheritable (runc
	// spec's own config lists them as ambient alone).
	for which, names := range map[capability.CapType][]string{
		capability.EFFECTIVE: caps.Effective, capability.PERMITTED: caps.Permitted,
		capability.INHERITABLE: append(append([]string{}, caps.Inheritable...), caps.Ambient...), capability.AMBIENT: caps.Ambient,
	} {
		values, _ := capValues(names)
		set.Set(which, values...)
	}
	if err := set.Apply(capability.CAPS | capability.AMBIENT); err != nil {
		return fmt.Errorf("set capabilities: %w", err)
	}
	return unix.Prctl(unix.PR_SET_KEEPCAPS, 0, 0, 0, 0)
}

// BecomeProcess switches to the process's user and capabilities, as a
// bundle's init does: mydocker run's init hands in its own user and
// capabilities as a spec's process.
func BecomeProcess(p *specs.Process) error {
	if p.Capabilities != nil {
		if err := checkProcessCaps(p.Capabilities); err != nil {
			return err
		}
	}
	caps, err := loadCapabilities()
	if err != nil {
		return err
	}
	return becomeProcess(p, caps)
}

func checkProcessCaps(c *specs.LinuxCapabilities) error {
	for _, set := range [][]string{c.Bounding, c.Effective, c.Inheritable, c.Permitted, c.Ambient} {
		if _, err := capValues(set); err != nil {
			return err
		}
	}
	return nil
}

// loadCapabilities reads our capabilities (from /proc/self/status, and
// the kernel's last one from /proc/sys, which the library then keeps).
func loadCapabilities() (capability.Capabilities, error) {
	if _, err := capability.LastCap(); err != nil {
		return nil, err
	}
	set, err := capability.NewPid2(0)
	if err != nil {
		return nil, err
	}
	if err := set.Load(); err != nil {
		return nil, fmt.Errorf("read our capabilities: %w", err)
	}
	return set, nil
}

// switchUser sets the groups, group and user: numbers, as the spec gives
// them (no name is looked up), and the umask.
func switchUser(u specs.User) error {
	groups := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = int(g)
	}
	// setgroups is refused in a user namespace whose setgroups is "deny".
	if err := syscall.Setgroups(groups); err != nil && !(len(groups) == 0 && errors.Is(err, unix.EPERM)) {
		return fmt.Errorf("set groups %v: %w", groups, err)
	}
	if err := syscall.Setgid(int(u.GID)); err != nil {
		return fmt.Errorf("set group %d: %w", u.GID, err)
	}
	if err := syscall.Setuid(int(u.UID)); err != nil {
		return fmt.Errorf("set user %d: %w", u.UID, err)
	}
	if u.Umask != nil {
		unix.Umask(int(*u.Umask))
	}
	return nil
}

// lookPath finds the program as execve will run it: through the PATH of
// the process's environment, not of ours.
func lookPath(p *specs.Process) (string, error) {
	name := p.Args[0]
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range p.Env {
		if strings.HasPrefix(kv, "PATH=") {
			path = kv[5:]
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		full := filepath.Join(dir, name)
		if info, err := os.Stat(full); err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0 {
			return full, nil
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

// noNewPrivs sets no_new_privs when the process asks for it.
func noNewPrivs(p *specs.Process) error {
	if !p.NoNewPrivileges {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("set no_new_privs: %w", err)
	}
	return nil
}
