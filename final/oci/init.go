package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
	"github.com/mydocker/mydocker/final/rootfs"
	"github.com/mydocker/mydocker/final/security"
)

// initConfig is what create sends init on fd 3: the spec as create read
// it, and what create worked out from it.
type initConfig struct {
	ID           string      `json:"id"`
	Bundle       string      `json:"bundle"`
	Rootfs       string      `json:"rootfs"`
	Spec         *specs.Spec `json:"spec"`
	NoPivot      bool        `json:"noPivot,omitempty"`
	NoNewKeyring bool        `json:"noNewKeyring,omitempty"`
	// Seccomp is linux.seccomp compiled (by create, with libseccomp).
	Seccomp []byte `json:"seccomp,omitempty"`
	// SeccompFlags are linux.seccomp.flags as seccomp(2) takes them.
	SeccompFlags uint `json:"seccompFlags,omitempty"`
	// NewCgroupNS: init makes the cgroup namespace itself, once create
	// has put it into its cgroup, so that the cgroup is the namespace's
	// root (a namespace made at clone would be rooted where create was).
	NewCgroupNS bool `json:"newCgroupNS,omitempty"`
	InUserNS    bool `json:"inUserNS,omitempty"`
	// IDMapped are the indices in spec.mounts of the idmapped mounts
	// create made (idmap.go), passed in this order after init's own
	// descriptors.
	IDMapped []int `json:"idMapped,omitempty"`
	// AppArmor is the profile to apply: process.apparmorProfile where the
	// host has AppArmor (create reads the host's /sys), else "".
	AppArmor string `json:"appArmor,omitempty"`

	passed int // the descriptors passed to the program (envPassedFds)
}

// The descriptors create hands init, from 3 on: first those passed to
// the container's program (as runc: $LISTEN_FDS's, then --preserve-fds
// more), as many as envPassedFds says, then init's own, in this order.
const (
	initConfigFd = iota
	initSyncFd
	// initFifoFd is the exec fifo, opened by create for reading and
	// writing: init blocks reading it until start writes. Passed open, it
	// needs no path (init may have no /proc, or be in a user namespace
	// that cannot reach the state directory).
	initFifoFd
	// initNsenterFd is package nsenter's configuration, read and closed
	// by its constructor before Go starts.
	initNsenterFd
	// initIDMappedFd is the first of the idmapped mounts (IDMapped).
	initIDMappedFd
)

const envPassedFds = "_MYDOCKER_RUNC_PASSED_FDS"

// initFd is the number of one of init's own descriptors, after the
// passed ones.
func initFd(passed, which int) int { return 3 + passed + which }

// Init is the container's init, started by create as "mydocker-runc init"
// in the new namespaces: it makes the container as the spec says, up to
// its program, tells create it is ready and waits on the exec fifo for
// start; then it executes the program, which becomes the container's
// process. It returns only on failure, which create has been told.
func Init() error {
	// Capabilities, no_new_privs and seccomp are a thread's: every step,
	// and the exec, must be on one.
	runtime.LockOSThread()
	passed, _ := strconv.Atoi(os.Getenv(envPassedFds))
	sync := os.NewFile(uintptr(initFd(passed, initSyncFd)), "sync")
	err := initContainer(sync, passed)
	if err != nil {
		_ = sendMsg(sync, syncMsg{Type: msgError, Message: err.Error()}, -1)
	}
	return err
}

func initContainer(sync *os.File, passed int) error {
	cfgFile := os.NewFile(uintptr(initFd(passed, initConfigFd)), "config")
	var cfg initConfig
	err := json.NewDecoder(cfgFile).Decode(&cfg)
	cfgFile.Close()
	if err != nil {
		return fmt.Errorf("init: read the config: %w", err)
	}
	cfg.passed = passed
	if err := closeOnExec(initFd(passed, 0)); err != nil {
		return err
	}
	s := cfg.Spec
	if cfg.NewCgroupNS {
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return fmt.Errorf("make the cgroup namespace: %w", err)
		}
	}
	if err := setNames(s); err != nil {
		return err
	}
	if !cfg.NoNewKeyring {
		// A session keyring of its own: keys the host's session holds
		// (and the host's root may have many) stay out of reach.
		if _, err := unix.KeyctlJoinSessionKeyring(cfg.ID); err != nil && !errors.Is(err, unix.ENOSYS) {
			return fmt.Errorf("join a session keyring: %w", err)
		}
	}
	// Read now, while /proc is in reach (not so in a chroot-only root).
	caps, err := security.OwnCapabilities()
	if err != nil {
		return err
	}
	if err := setUpRootfs(cfg, sync); err != nil {
		return err
	}
	p := s.Process
	if p != nil {
		if err := setUpProcess(cfg, p, sync); err != nil {
			return err
		}
	}
	// create has gone once init is ready: a failure from then on is said
	// on the container's stderr.
	ready := false
	wait := func() error {
		ready = true
		return readyAndWait(cfg, sync)
	}
	if p == nil {
		if err = wait(); err == nil {
			os.Exit(0) // nothing to run: the container stops
		}
	} else if err = setProcAttrs(s); err == nil {
		if err = applyAppArmor(cfg.AppArmor); err == nil {
			err = confineAndExec(p, seccompFilter{cfg.Seccomp, cfg.SeccompFlags}, caps, wait)
		}
	}
	if ready {
		fmt.Fprintf(os.Stderr, "mydocker-runc: %v\n", err)
	}
	return err
}

// readyAndWait tells create that init is ready, waits on the exec fifo
// until start writes to it, and runs the startContainer hooks.
func readyAndWait(cfg initConfig, sync *os.File) error {
	if err := sendMsg(sync, syncMsg{Type: msgReady}, -1); err != nil {
		return err
	}
	sync.Close()
	if err := waitForStart(initFd(cfg.passed, initFifoFd)); err != nil {
		return err
	}
	s := cfg.Spec
	if s.Hooks != nil && len(s.Hooks.StartContainer) > 0 {
		st := specs.State{Version: SpecVersion, ID: cfg.ID, Status: specs.StateCreated, Pid: os.Getpid(), Bundle: cfg.Bundle, Annotations: s.Annotations}
		return runHooks("startContainer", s.Hooks.StartContainer, st)
	}
	return nil
}

// closeOnExec marks every descriptor from first on close-on-exec: nothing
// of ours past the exec, only the ones passed to the program below it. The Go runtime hands ExtraFiles down without
// CLOEXEC, and the sync socket so kept open by the program would keep
// its caller waiting for an end-of-file. It comes first, before any
// seccomp filter: a profile may not allow close_range (runtime-tools'
// does not).
func closeOnExec(first int) error {
	if err := unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("mark our descriptors close-on-exec: %w", err)
	}
	return nil
}

// setNames sets the hostname and domainname, in a UTS namespace.
func setNames(s *specs.Spec) error {
	if !hasNamespace(s, specs.UTSNamespace) {
		// The host's own name is no change (what CRI sends a pod on the
		// host's network); any other needs a UTS namespace.
		if host, _ := os.Hostname(); (s.Hostname != "" && s.Hostname != host) || s.Domainname != "" {
			return errors.New("config.json: hostname needs a UTS namespace of its own")
		}
		return nil
	}
	if s.Hostname != "" {
		if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
			return fmt.Errorf("set the hostname: %w", err)
		}
	}
	if s.Domainname != "" {
		if err := unix.Setdomainname([]byte(s.Domainname)); err != nil {
			return fmt.Errorf("set the domainname: %w", err)
		}
	}
	return nil
}

// setUpRootfs makes the container's filesystem: propagation, the
// bundle's mounts, devices; the hooks that run before the pivot; then
// pivot_root into it, sysctls, masked and read-only paths, a read-only
// root. The order is the spec's (runtime.md#lifecycle).
func setUpRootfs(cfg initConfig, sync *os.File) error {
	s := cfg.Spec
	if !hasNamespace(s, specs.MountNamespace) {
		return chrootOnly(cfg, sync)
	}
	prop, err := rootfsPropagation(s)
	if err != nil {
		return err
	}
	mounts, _ := devLaterReadonly(s.Mounts)
	r := rootfs.Rootfs{Path: cfg.Rootfs, Propagation: prop, Mounts: mounts, Devices: s.Linux.Devices, UserNS: cfg.InUserNS,
		Prepared: map[int]*os.File{}}
	for i, index := range cfg.IDMapped {
		r.Prepared[index] = os.NewFile(uintptr(initFd(cfg.passed, initIDMappedFd+i)), "idmapped mount")
	}
	if err := r.SetUp(); err != nil {
		return err
	}
	if err := beforePivotHooks(cfg, sync); err != nil {
		return err
	}
	pivot := rootfs.PivotRoot
	if cfg.NoPivot {
		pivot = rootfs.MoveRoot
	}
	if err := pivot(cfg.Rootfs); err != nil {
		return err
	}
	if rootfs.LaterPropagation(prop) {
		if err := unix.Mount("", "/", "", prop, ""); err != nil {
			return fmt.Errorf("set the propagation of /: %w", err)
		}
	}
	if err := writeSysctls(s.Linux.Sysctl); err != nil {
		return err
	}
	if err := maskAndProtect(s); err != nil {
		return err
	}
	return nil
}

// beforePivotHooks has create run the prestart and createRuntime hooks,
// in the runtime's namespaces, now that ours exist; then init runs the
// createContainer hooks in the container's.
func beforePivotHooks(cfg initConfig, sync *os.File) error {
	if err := sendMsg(sync, syncMsg{Type: msgHooks}, -1); err != nil {
		return err
	}
	if err := expect(sync, msgResume); err != nil {
		return err
	}
	s := cfg.Spec
	if s.Hooks == nil || len(s.Hooks.CreateContainer) == 0 {
		return nil
	}
	st := specs.State{Version: SpecVersion, ID: cfg.ID, Status: specs.StateCreating, Pid: os.Getpid(), Bundle: cfg.Bundle, Annotations: s.Annotations}
	return runHooks("createContainer", s.Hooks.CreateContainer, st)
}

// chrootOnly is the root of a container with no mount namespace of its
// own: the runtime's mount namespace is the host's, where the bundle's
// mounts would be the host's too, so none is made (as runc does) and the
// container is only chroot'ed into its rootfs.
func chrootOnly(cfg initConfig, sync *os.File) error {
	if len(cfg.Spec.Mounts) > 0 {
		logrus.Warn("no mount namespace: the config's mounts are not made (they would be the host's)")
	}
	if err := beforePivotHooks(cfg, sync); err != nil {
		return err
	}
	if err := unix.Chroot(cfg.Rootfs); err != nil {
		return fmt.Errorf("chroot into the rootfs: %w", err)
	}
	return unix.Chdir("/")
}

// setUpProcess prepares the process, as root still: terminal, root
// read-only, oom score.
func setUpProcess(cfg initConfig, p *specs.Process, sync *os.File) error {
	if p.Terminal {
		if err := setUpConsole(p, sync); err != nil {
			return err
		}
	}
	if cfg.Spec.Root.Readonly {
		if err := mountfd.Readonly("/"); err != nil {
			return fmt.Errorf("make the root read-only: %w", err)
		}
	}
	if _, later := devLaterReadonly(cfg.Spec.Mounts); later && hasNamespace(cfg.Spec, specs.MountNamespace) {
		if err := mountfd.Readonly("/dev"); err != nil {
			return fmt.Errorf("make /dev read-only: %w", err)
		}
	}
	p.Env = processEnv(p.Env, ownHome(p.User.UID))
	return setOOMScoreAdj(p)
}

func waitForStart(fifo int) error {
	buf := make([]byte, 1)
	for {
		n, err := unix.Read(fifo, buf)
		if n == 1 {
			break
		}
		if err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("read the exec fifo: %w", err)
		}
	}
	return unix.Close(fifo)
}
