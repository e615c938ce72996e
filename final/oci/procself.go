package oci

import (
	"fmt"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"
)

// writeProcSelf writes a file of our own /proc/self (oom_score_adj)
// through a handle on a procfs that pathrs-lite checked is one (a fresh
// instance, or the root of a real procfs mount): after the pivot /proc is
// whatever the bundle or the image made it, and a write by path could be
// sent to another procfs file (CVE-2025-52881).
func writeProcSelf(name, value string) error {
	proc, err := procfs.OpenProcRoot()
	if err != nil {
		return fmt.Errorf("open /proc: %w", err)
	}
	defer proc.Close()
	handle, err := proc.OpenSelf(name)
	if err != nil {
		return fmt.Errorf("open /proc/self/%s: %w", name, err)
	}
	defer handle.Close()
	f, err := pathrs.Reopen(handle, unix.O_WRONLY|unix.O_CLOEXEC)
	if err != nil {
		return fmt.Errorf("open /proc/self/%s: %w", name, err)
	}
	defer f.Close()
	if _, err := f.WriteString(value); err != nil {
		return fmt.Errorf("write /proc/self/%s: %w", name, err)
	}
	return nil
}
