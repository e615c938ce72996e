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
	"github.com/sirupsen/logrus"
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
	if err := checkAffinity(p.ExecCPUAffinity); err != nil {
		return err
	}
	if err := checkSchedIO(p); err != nil {
		return err
	}
	if c := p.Capabilities; c != nil {
		if unknown := security.DropUnknownCapabilities(c); len(unknown) > 0 {
			logrus.Warnf("ignoring unknown or unavailable capabilities: %v", unknown)
		}
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

// seccompFilter is linux.seccomp compiled, and its flags for seccomp(2).
type seccompFilter struct {
	prog  []byte
	flags uint
}

// confineAndExec is the last part of init and of exec: process.rlimits,
// then the process's user, capabilities, no_new_privs and seccomp filter
// in the kernel's order (security.Confine), and the program. asUser runs
// as the user, in the working directory, before the program is looked
// up. own are our capabilities, read while /proc was in
// reach (nil: read now).
func confineAndExec(p *specs.Process, seccomp seccompFilter, own capability.Capabilities, asUser func() error) error {
	// The limits come while we may still raise them (CAP_SYS_RESOURCE),
	// and as late as that allows: an address-space limit would starve the
	// Go runtime if it came before much of its allocation.
	if err := setRlimits(p.Rlimits); err != nil {
		return err
	}
	c := security.Confinement{User: p.User, Capabilities: p.Capabilities, NoNewPrivs: p.NoNewPrivileges, Seccomp: seccomp.prog, SeccompFlags: seccomp.flags, Own: own}
	// The working directory while we are root, as runc: one the user may
	// not enter (a 0700 /root for user 42) is still its working
	// directory. One root cannot enter (a root-squashed NFS directory
	// the user owns) is tried again as the user.
	inCwd := unix.Chdir(p.Cwd) == nil
	var path string
	return security.Confine(c, func() error {
		if !inCwd {
			if err := unix.Chdir(p.Cwd); err != nil {
				return fmt.Errorf("change to the working directory %s: %w", p.Cwd, err)
			}
		}
		if asUser != nil {
			if err := asUser(); err != nil {
				return err
			}
		}
		var err error
		path, err = lookPath(p)
		return err
	}, func() error {
		if err := unix.Exec(path, p.Args, p.Env); err != nil {
			return fmt.Errorf("exec %s: %w", path, err)
		}
		return nil
	})
}
