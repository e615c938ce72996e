package container

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// CloseInheritedFds closes every file descriptor from first on that this
// process was given without close-on-exec: ones the caller's shell or a
// test harness left open (a pipe that someone waits on to close, a
// terminal). Go's own descriptors are all close-on-exec, so they stay;
// os/exec passes on whatever a parent had open without it, so a monitor
// that outlives its caller must let go of them itself.
func CloseInheritedFds(first int) {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd < first {
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			unix.Close(fd)
		}
	}
}

// closeAllOnExec marks every descriptor from 3 on close-on-exec, just
// before init runs the user's command: none of mydocker's reaches it.
func closeAllOnExec() {
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err == nil {
		return
	}
	// Before Linux 5.11: one by one.
	entries, _ := os.ReadDir("/proc/self/fd")
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd >= 3 {
			unix.CloseOnExec(fd)
		}
	}
}
