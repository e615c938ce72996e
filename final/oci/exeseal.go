package oci

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// Every process of ours that a container can see (init while it waits
// for start, exec's process until its execve) runs our binary. A process
// of the container that may open its /proc/PID/exe (one with
// CAP_SYS_PTRACE, or the same user once init has switched to it) could
// keep the file open and write it once we stop running it: the next
// mydocker-runc, run as root on the host, would be the container's
// (CVE-2019-5736). So those processes run a copy of the binary no one can
// write:
//
//   - a read-only bind of it: open_tree(OPEN_TREE_CLONE) makes a detached
//     mount of the binary alone, mount_setattr makes it read-only, and we
//     execute it through the descriptor. Reopening /proc/PID/exe for
//     writing goes through that mount: EROFS. Nothing is copied (some
//     tens of µs); the mount is in no namespace, and goes when the last
//     process that runs it does;
//   - where the kernel has no mount API (before 5.12) or refuses it, a
//     sealed memfd copy (F_SEAL_WRITE|GROW|SHRINK|SEAL: EPERM), which
//     costs a copy of the binary each time.
//
// And they make themselves non-dumpable before they join anything
// (package nsenter's constructor), so that /proc/PID/exe and /proc/PID/fd
// are refused to the container's processes in the first place.

// sealedSelf returns our binary as a file that cannot be written.
func sealedSelf() (*os.File, error) {
	f, err := readOnlyBind("/proc/self/exe")
	if err == nil {
		return f, nil
	}
	logrus.WithError(err).Debug("no read-only bind of the binary: using a sealed copy")
	return sealedCopy("/proc/self/exe")
}

// readOnlyBind is an O_PATH descriptor of the file at path (our binary)
// on a read-only detached mount of its own.
func readOnlyBind(path string) (*os.File, error) {
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("open_tree the binary: %w", err)
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("make the binary's mount read-only: %w", err)
	}
	return os.NewFile(uintptr(fd), "mydocker-runc (read-only)"), nil
}

// sealedCopy is a memfd copy of the file at path (our binary), sealed
// against any change.
func sealedCopy(path string) (*os.File, error) {
	fd, err := unix.MemfdCreate("mydocker-runc", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd: %w", err)
	}
	sealed := os.NewFile(uintptr(fd), "mydocker-runc (sealed)")
	self, err := os.Open(path)
	if err != nil {
		sealed.Close()
		return nil, err
	}
	defer self.Close()
	if _, err := io.Copy(sealed, self); err != nil {
		sealed.Close()
		return nil, fmt.Errorf("copy the binary: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(sealed.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		sealed.Close()
		return nil, fmt.Errorf("seal the copy: %w", err)
	}
	return sealed, nil
}

// selfCommand is this binary, sealed, run with arg and the extra files
// (fd 3 on). The caller closes the returned file once the command has
// started: the child holds its own reference from then on.
func selfCommand(arg string, extra []*os.File) (*exec.Cmd, *os.File, error) {
	path, exe, err := SealedExe(len(extra))
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(path, arg)
	cmd.Args[0] = "mydocker-runc"
	cmd.ExtraFiles = extra
	return cmd, exe, nil
}

// SealedExe is this binary, sealed (a read-only bind, or a sealed copy),
// as the path a child started with extra files (fd 3 on) executes, and
// the file to close once it has started. mydocker exec runs its
// process in the container from it too.
func SealedExe(extra int) (string, *os.File, error) {
	exe, err := sealedSelf()
	if err != nil {
		return "", nil, fmt.Errorf("seal the runtime's binary: %w", err)
	}
	// The child executes /proc/self/fd/N, still open at its execve (it is
	// close-on-exec). N must be above every descriptor the Go runtime
	// places or moves in the child before the execve: the stdio and extra
	// files, and as many again for the ones it moves out of the way.
	n, err := unix.FcntlInt(exe.Fd(), unix.F_DUPFD_CLOEXEC, 2*(3+extra)+4)
	exe.Close()
	if err != nil {
		return "", nil, fmt.Errorf("seal the runtime's binary: %w", err)
	}
	return fmt.Sprintf("/proc/self/fd/%d", n), os.NewFile(uintptr(n), exe.Name()), nil
}
