package oci

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// closeInheritedOnExec marks every descriptor from 3 on close-on-exec
// in our own process: what our caller left open (a shell's, bats's fd 3)
// then reaches no process we start, neither init, which would hold it
// while it waits for start, nor exec's constructor, nor a hook. Ours are
// close-on-exec already, and the passed ones (--preserve-fds, socket
// activation) are handed on as ExtraFiles, whose flag the child clears.
func closeInheritedOnExec() error {
	if err := unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return fmt.Errorf("mark the descriptors we were given close-on-exec: %w", err)
	}
	return nil
}
