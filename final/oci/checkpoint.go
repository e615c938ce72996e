package oci

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/checkpoint-restore/go-criu/v8/rpc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// CheckpointOptions are checkpoint's flags.
type CheckpointOptions struct {
	CriuOptions
	// LeaveRunning keeps the container running after the dump; without
	// it the container is stopped and deleted, as runc does.
	LeaveRunning bool
	// PreDump dumps the memory only, for a later dump (--parent-path) to
	// copy less; ParentPath is such a pre-dump, relative to ImagePath.
	PreDump    bool
	ParentPath string
	// LazyPages leaves the memory in a page server (PageServer, or criu's
	// own), which a restore with lazy pages takes it from on demand;
	// StatusFd (-1: none) is told with a NUL byte when it serves.
	LazyPages  bool
	PageServer string
	StatusFd   int
}

// Checkpoint dumps the running (or paused) container with CRIU into
// o.ImagePath, for Restore to make it again, here or on another host.
func (c *Container) Checkpoint(o CheckpointOptions) error {
	switch c.Status() {
	case specs.StateCreated:
		return errors.New("a container cannot be checkpointed in created state (start it first)")
	case specs.StateStopped:
		return ErrNotRunning
	}
	if err := checkParentPath(o.ImagePath, o.ParentPath); err != nil {
		return err
	}
	rootfs := rootfsOf(c.Bundle, c.Spec)
	extMnt, err := dumpExternalMounts(c.Spec, rootfs)
	if err != nil {
		return err
	}
	extNs, err := dumpExternalNamespaces(c.Spec)
	if err != nil {
		return err
	}
	dirs, err := o.openDirs(true, "dump.log")
	if err != nil {
		return err
	}
	defer dirs.Close()
	opts, err := o.base(c.Spec, dirs)
	if err != nil {
		return err
	}
	opts.Root, opts.Pid = ptr(rootfs), ptr(int32(c.Pid))
	opts.LeaveRunning = ptr(o.LeaveRunning || o.PreDump)
	opts.ExtMnt, opts.External = extMnt, extNs
	if dir := c.freezerDir(); dir != "" {
		opts.FreezeCgroup = &dir
	}
	if o.ParentPath != "" {
		opts.ParentImg, opts.TrackMem = ptr(o.ParentPath), ptr(true)
	}
	if err := o.pageServer(opts); err != nil {
		return err
	}
	descriptors := c.Descriptors
	if len(descriptors) == 0 { // recorded by an older mydocker-runc
		descriptors = stdioDescriptors(c.Pid)
	}
	if err := writeDescriptors(dirs.images, descriptors); err != nil {
		return fmt.Errorf("record the stdio: %w", err)
	}
	t := rpc.CriuReqType_DUMP
	if o.PreDump {
		t, opts.TrackMem = rpc.CriuReqType_PRE_DUMP, ptr(true)
	}
	call := criuCall{req: &rpc.CriuReq{Type: &t, Opts: opts}, logFile: dirs.logFile, notify: o.statusReady}
	logrus.WithFields(logrus.Fields{"pid": c.Pid, "images": dirs.images.Name()}).Debug("checkpoint: asking criu to dump")
	if _, err := call.run(); err != nil {
		return err
	}
	if o.LeaveRunning || o.PreDump {
		return nil
	}
	// criu has killed the container's processes: what is left of it goes,
	// as after any container's exit (poststop hooks included).
	return c.Delete(true)
}

// checkParentPath refuses a --parent-path criu would not find: it is
// relative to the image directory, and a pre-dump's directory.
func checkParentPath(images, parent string) error {
	if parent == "" {
		return nil
	}
	if filepath.IsAbs(parent) {
		return fmt.Errorf("--parent-path %s must be relative to --image-path", parent)
	}
	if st, err := os.Stat(filepath.Join(images, parent)); err != nil || !st.IsDir() {
		return fmt.Errorf("--parent-path %s: no pre-dump there (relative to %s)", parent, images)
	}
	return nil
}

// freezerDir is the cgroup criu freezes while it dumps (v1: the freezer
// hierarchy's, v2: the container's).
func (c *Container) freezerDir() string {
	if dir, ok := c.Cgroup["freezer"]; ok {
		return dir
	}
	return c.Cgroup[""]
}

// pageServer sets where the pages go: a page server (--page-server
// ADDR:PORT), and with lazy pages a server that waits for the restore.
func (o CheckpointOptions) pageServer(opts *rpc.CriuOpts) error {
	if o.PageServer != "" {
		host, port, err := net.SplitHostPort(o.PageServer)
		n, perr := strconv.ParseUint(port, 10, 16)
		if err != nil || perr != nil {
			return fmt.Errorf("--page-server %s: want ADDRESS:PORT", o.PageServer)
		}
		opts.Ps = &rpc.CriuPageServerInfo{Address: &host, Port: ptr(int32(n))}
	}
	if !o.LazyPages {
		return nil
	}
	opts.LazyPages = ptr(true)
	if o.StatusFd >= 0 {
		flags, err := unix.FcntlInt(uintptr(o.StatusFd), unix.F_GETFL, 0)
		if err != nil || flags&(unix.O_WRONLY|unix.O_RDWR) == 0 {
			return fmt.Errorf("--status-fd %d: not a descriptor open for writing", o.StatusFd)
		}
	}
	return nil
}

// statusReady tells --status-fd that the lazy pages are served (criu
// 3.15 on notifies us rather than writing it).
func (o CheckpointOptions) statusReady(script string, _, _ int) error {
	if script != "status-ready" || o.StatusFd < 0 {
		return nil
	}
	_, err := unix.Write(o.StatusFd, []byte{0})
	return err
}
