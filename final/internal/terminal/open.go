package terminal

import (
	"errors"
	"fmt"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// Open opens a new pseudo-terminal from the multiplexer at ptmx (such as
// "/dev/ptmx", or "/dev/pts/ptmx" of a devpts instance) inside root. Both
// ends are close-on-exec and neither becomes our controlling terminal.
func Open(root *os.File, ptmx string) (master, slave *os.File, err error) {
	master, err = openPtmx(root, ptmx)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", ptmx, err)
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlock the terminal: %w", err)
	}
	// TIOCGPTPEER's argument is the slave's open flags.
	fd, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCGPTPEER, uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
	if errno != 0 {
		master.Close()
		return nil, nil, fmt.Errorf("open the terminal's other end: %w", errno)
	}
	return master, os.NewFile(fd, "pty-slave"), nil
}

// openPtmx opens ptmx inside root once a handle that opens nothing (an
// O_PATH one) shows it is the multiplexer, 5:2: opening another device
// the container put there could have effects of its own.
func openPtmx(root *os.File, ptmx string) (*os.File, error) {
	handle, err := pathrs.OpenatInRoot(root, ptmx)
	if err != nil {
		return nil, err
	}
	defer handle.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(handle.Fd()), &st); err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 5 || unix.Minor(st.Rdev) != 2 {
		return nil, errors.New("not the pty multiplexer (5:2)")
	}
	return pathrs.Reopen(handle, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC)
}

// SetSize sets the terminal's size; a zero size (none asked) is left.
func SetSize(master *os.File, rows, cols uint16) error {
	if rows == 0 || cols == 0 {
		return nil
	}
	ws := &unix.Winsize{Row: rows, Col: cols}
	if err := unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		return fmt.Errorf("size the terminal: %w", err)
	}
	return nil
}
