package monitor

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// closeInheritedFds closes every file descriptor from first on that this
// process was given without close-on-exec: ones the caller's shell or a
// test harness left open (a pipe that someone waits on to close, a
// terminal). Go's own descriptors are all close-on-exec, so they stay;
// os/exec passes on whatever a parent had open without it, so a monitor
// that outlives its caller must let go of them itself.
func closeInheritedFds(first int) {
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
