package security

import (
	"errors"
	"fmt"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
)

// MaskedPaths are hidden from the container, as docker hides them: the
// kernel's memory image, keys, timers, scheduler and latency debugging,
// ACPI and SCSI control, firmware tables, and power capping counters
// (which leak what the host's other processes do).
var MaskedPaths = []string{
	"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
	"/proc/latency_stats", "/proc/acpi", "/proc/scsi", "/proc/timer_stats",
	"/sys/firmware", "/sys/devices/virtual/powercap",
}

// ReadonlyPaths are read-only in the container: /proc/sys (sysctls,
// core_pattern among them, which runs a program as the host's root),
// sysrq-trigger, irq, bus and fs.
var ReadonlyPaths = []string{
	"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs",
}

// MaskPaths hides each masked path that exists: a directory under an
// empty read-only tmpfs, a file under /dev/null. It runs in the new root,
// once /proc, /sys and /dev are mounted. Each path is opened (inside "/",
// no symlink out, no magic link) and covered through its descriptor; the
// cover of a file is the container's /dev/null, opened and checked to be
// the char device 1:3: a symlink there (to /proc/sys/kernel/core_pattern,
// runc's CVE-2025-31133) would make the mask a writable bind of its
// target. (The container's, not the host's kept from before the pivot:
// any 1:3 node is the same device, and no descriptor of a host file is
// carried into the container's root.)
func MaskPaths(paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	root, err := mountfd.OpenRoot("/")
	if err != nil {
		return err
	}
	defer root.Close()
	var null *os.File
	defer func() {
		if null != nil {
			null.Close()
		}
	}()
	for _, path := range paths {
		target, err := pathrs.OpenatInRoot(root, path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("mask %s: %w", path, err)
		}
		if null == nil && mountfd.CheckKind(target, mountfd.Dir) != nil {
			if null, err = openDevNull(root); err != nil {
				target.Close()
				return fmt.Errorf("mask %s: %w", path, err)
			}
		}
		err = maskOne(target, null)
		target.Close()
		if err != nil {
			return fmt.Errorf("mask %s: %w", path, err)
		}
	}
	return nil
}

// openDevNull opens /dev/null in root and checks it is the device.
func openDevNull(root *os.File) (*os.File, error) {
	null, err := pathrs.OpenatInRoot(root, "/dev/null")
	if err != nil {
		return nil, fmt.Errorf("open /dev/null: %w", err)
	}
	if !mountfd.IsDevNull(null) {
		null.Close()
		return nil, errors.New("/dev/null is not the char device 1:3")
	}
	return null, nil
}

// maskOne covers the opened target: an empty read-only tmpfs on a
// directory, a bind of null on anything else.
func maskOne(target, null *os.File) error {
	if mountfd.CheckKind(target, mountfd.Dir) == nil {
		mnt, err := mountfd.New("tmpfs", "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0")
		if err != nil {
			return err
		}
		defer mnt.Close()
		return mountfd.Attach(mnt, target)
	}
	mnt, err := mountfd.Clone(int(null.Fd()), "", false)
	if err != nil {
		return err
	}
	defer mnt.Close()
	return mountfd.Attach(mnt, target)
}

// MakeReadonly makes each path read-only: the tree at it cloned (a
// recursive bind), made read-only, nosuid, nodev and noexec, and attached
// back onto the opened path: no name is looked up twice.
func MakeReadonly(paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	root, err := mountfd.OpenRoot("/")
	if err != nil {
		return err
	}
	defer root.Close()
	for _, path := range paths {
		if err := makeReadonly(root, path); err != nil {
			return fmt.Errorf("make %s read-only: %w", path, err)
		}
	}
	return nil
}

func makeReadonly(root *os.File, path string) error {
	target, err := pathrs.OpenatInRoot(root, path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer target.Close()
	mnt, err := mountfd.Clone(int(target.Fd()), "", true)
	if err != nil {
		return err
	}
	defer mnt.Close()
	if err := mountfd.SetAttr(mnt, unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, true); err != nil {
		return err
	}
	return mountfd.Attach(mnt, target)
}
