package oci

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// writeProcSelf writes a file of our own /proc/self (oom_score_adj) in a
// procfs verified to be one (openProcfs, as the sysctls): after the pivot
// /proc is whatever the bundle or the image made it, and a write by path
// could be sent to another file (CVE-2025-52881). "self" is followed (a
// procfs link to our pid, in the procfs's own PID namespace), no other
// symlink, magic link or mount.
func writeProcSelf(name, value string) error { return writeProc("self/"+name, value) }

// writeProc writes the file name, relative to the procfs's root, as
// writeProcSelf does.
func writeProc(name, value string) error {
	proc, err := openProcfs()
	if err != nil {
		return err
	}
	defer unix.Close(proc)
	how := unix.OpenHow{
		Flags:   unix.O_WRONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
	}
	fd, err := unix.Openat2(proc, name, &how)
	if err != nil {
		return fmt.Errorf("open /proc/%s: %w", name, err)
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	if err := checkProcfs(fd); err != nil {
		return fmt.Errorf("/proc/%s: %w", name, err)
	}
	if _, err := f.WriteString(value); err != nil {
		return fmt.Errorf("write /proc/%s: %w", name, err)
	}
	return nil
}
