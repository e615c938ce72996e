package security

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
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
// once /proc, /sys and /dev are mounted.
func MaskPaths(paths []string) error {
	for _, path := range paths {
		info, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("mask %s: %w", path, err)
		}
		if info.IsDir() {
			err = unix.Mount("tmpfs", path, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0")
		} else {
			err = unix.Mount("/dev/null", path, "", unix.MS_BIND, "")
		}
		if err != nil {
			return fmt.Errorf("mask %s: %w", path, err)
		}
	}
	return nil
}

// MakeReadonly makes each path read-only: bound onto itself, then that
// bind remounted read-only (the kernel needs the two steps).
func MakeReadonly(paths []string) error {
	for _, path := range paths {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := unix.Mount(path, path, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make %s read-only: %w", path, err)
		}
		flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC)
		if err := unix.Mount(path, path, "", flags, ""); err != nil {
			return fmt.Errorf("make %s read-only: %w", path, err)
		}
	}
	return nil
}
