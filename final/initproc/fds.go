package initproc

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

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
