package oci

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/checkpoint-restore/go-criu/v8/rpc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
)

// RestoreOptions are restore's flags: create's (a restore makes a new
// container from the bundle) and criu's.
type RestoreOptions struct {
	CreateOptions
	CriuOptions
	// LsmProfile and LsmMountContext replace the image's (TYPE:NAME).
	LsmProfile, LsmMountContext string
	// LazyPages restores with the memory left behind, taken on demand
	// from criu's lazy-pages daemon.
	LazyPages bool
}

// Restore makes the container o.ID from the bundle and the checkpoint in
// o.ImagePath: criu makes its processes again, in a new cgroup. On
// failure nothing of it is left.
func Restore(o RestoreOptions) (c *Container, err error) {
	c, _, err = newContainer(o.CreateOptions)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.destroy(0)
			c = nil
		}
	}()
	return c, c.restore(o)
}

func (c *Container) restore(o RestoreOptions) error {
	s := c.Spec
	cg, pidsLimit, err := newCgroup(s, c.ID)
	if err != nil {
		return err
	}
	c.Cgroup = cg.Paths()
	if err := c.save(); err != nil {
		return err
	}
	dirs, err := o.openDirs(false, "restore.log")
	if err != nil {
		return err
	}
	defer dirs.Close()
	req, extra, err := c.restoreRequest(o, dirs)
	if err != nil {
		return err
	}
	defer closeAll(extra)
	rootfs := rootfsOf(c.Bundle, s)
	if err := makeMountpoints(s, c.Bundle, rootfs); err != nil {
		return err
	}
	criuRoot, unbind, err := c.bindCriuRoot(rootfs)
	if err != nil {
		return err
	}
	defer unbind()
	req.Opts.Root = &criuRoot
	call := criuCall{
		req: req, stdio: [3]*os.File{os.Stdin, os.Stdout, os.Stderr}, extra: extra, logFile: dirs.logFile,
		// criu restores the processes into its own cgroup, which it is
		// moved into first: the container's, limits set.
		started: func(pid int) error {
			if err := cg.Apply(pid); err != nil {
				return fmt.Errorf("move criu into the container's cgroup: %w", err)
			}
			roots, err := cgroupRoots(pid)
			req.Opts.CgRoot = roots
			return err
		},
		notify: c.restoreNotify(o.ConsoleSocket),
	}
	logrus.WithFields(logrus.Fields{"images": dirs.images.Name(), "root": criuRoot}).Debug("restore: asking criu to restore")
	if _, err := call.run(); err != nil {
		return err
	}
	if !c.alive() {
		return errors.New("criu finished, but the container's init is not running")
	}
	if err := setPidsLimit(cg, pidsLimit); err != nil {
		return err
	}
	if o.PidFile != "" {
		return writePidFile(o.PidFile, c.Pid)
	}
	return nil
}

// restoreRequest is the RESTORE request; extra are the files criu
// inherits from fd 4 on.
func (c *Container) restoreRequest(o RestoreOptions, dirs criuDirs) (*rpc.CriuReq, []*os.File, error) {
	s := c.Spec
	opts, err := o.base(s, dirs)
	if err != nil {
		return nil, nil, err
	}
	// rst_sibling: the restored init is criu's sibling, our child, which
	// a foreground restore waits for; evasive_devices: a device node is
	// found by its number if its path changed.
	opts.RstSibling, opts.EvasiveDevices, opts.LazyPages = ptr(true), ptr(true), ptr(o.LazyPages)
	if opts.ExtMnt, err = restoreExternalMounts(s, c.Bundle, rootfsOf(c.Bundle, s)); err != nil {
		return nil, nil, err
	}
	if err := inheritStdio(dirs.images, opts); err != nil {
		return nil, nil, err
	}
	if o.LsmProfile != "" {
		opts.LsmProfile = &o.LsmProfile
	}
	if o.LsmMountContext != "" {
		opts.LsmMountContext = &o.LsmMountContext
	}
	version, err := criuVersion()
	if err != nil {
		return nil, nil, err
	}
	if version < 30000 {
		return nil, nil, fmt.Errorf("CRIU %d.%d is too old: restore needs 3.0 or later", version/10000, version/100%100)
	}
	// Kernels from 6.16 on refuse what criu's newer mount engine does
	// before 4.1.1 (criu#2694); its older engine works on every kernel.
	if version < 40101 {
		opts.MntnsCompatMode = ptr(true)
	}
	extra, err := restoreNamespaces(s, opts)
	if err != nil {
		return nil, nil, err
	}
	t := rpc.CriuReqType_RESTORE
	return &rpc.CriuReq{Type: &t, Opts: opts}, extra, nil
}

// bindCriuRoot binds the rootfs on a directory of the container's own:
// criu wants the root of the restored mount namespace on a mount point.
func (c *Container) bindCriuRoot(rootfs string) (string, func(), error) {
	dir := filepath.Join(c.dir, "criu-root")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("make criu's root: %w", err)
	}
	if err := unix.Mount(rootfs, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		os.Remove(dir)
		return "", nil, fmt.Errorf("bind the rootfs for criu: %w", err)
	}
	return dir, func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			logrus.WithError(err).Warn("unmount criu's root")
		}
		os.Remove(dir)
	}, nil
}

// restoreNotify acts on criu's notifications: the hooks run once the
// namespaces are made, the restored init is recorded, and the terminal
// criu made goes to the console socket.
func (c *Container) restoreNotify(consoleSocket string) func(string, int, int) error {
	return func(script string, pid, fd int) error {
		if fd >= 0 {
			defer unix.Close(fd)
		}
		switch script {
		case "setup-namespaces":
			if err := c.recordInit(pid); err != nil {
				return err
			}
			return c.createHooks()
		case "post-restore":
			return c.restored(pid)
		case "orphan-pts-master":
			if consoleSocket == "" {
				return errors.New("the checkpoint has a terminal: --console-socket is required")
			}
			return sendConsole(consoleSocket, fd)
		}
		return nil
	}
}

// restored records init, which criu has made. criu restores into a new
// time namespace (where the kernel has them), so that the clocks go on
// from the checkpoint's: exec must join it too.
func (c *Container) restored(pid int) error {
	c.Created = time.Now().UTC()
	if !hasNamespace(c.Spec, specs.TimeNamespace) && !sameNamespace(pid, "time") {
		c.Spec.Linux.Namespaces = append(c.Spec.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
	}
	return c.recordInit(pid)
}

func sameNamespace(pid int, ns string) bool {
	ours, err1 := os.Readlink("/proc/self/ns/" + ns)
	theirs, err2 := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", pid, ns))
	return err1 != nil || err2 != nil || ours == theirs
}

// cgroupRoots are criu's cgroups (the container's, where it was moved):
// the restored processes' cgroups are made below them.
func cgroupRoots(pid int) ([]*rpc.CgroupRoot, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return nil, fmt.Errorf("read criu's cgroups: %w", err)
	}
	defer f.Close()
	var roots []*rpc.CgroupRoot
	v2, _ := cgroups.IsCgroup2UnifiedMode()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		path := parts[2]
		switch {
		case parts[1] == "" && v2:
			roots = append(roots, &rpc.CgroupRoot{Path: ptr(path)})
		case parts[1] != "":
			for _, ctrl := range strings.Split(parts[1], ",") {
				roots = append(roots, &rpc.CgroupRoot{Ctrl: ptr(ctrl), Path: ptr(path)})
			}
		}
	}
	return roots, sc.Err()
}
