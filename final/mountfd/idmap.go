package mountfd

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// An idmapped mount (Linux 5.12 on) shows its files' owners through a
// user namespace's mapping: a file the filesystem says is uid U is seen
// on the mount as the uid U maps to outside that namespace, and one
// written there is stored as the reverse. The namespace only lends its
// mapping: it is made by a short-lived child and known by its
// /proc/PID/ns/user descriptor, as runc 1.2 makes it.

// UserNS makes a user namespace with the mappings (containerID inside,
// hostID outside, as linux.uidMappings reads) and returns a descriptor of
// it. The child that holds it is this binary, started traced so that it
// stops at its execve before running anything (runc's way: no command
// to run, nothing of ours to start), and killed once its namespace is
// opened: the descriptor keeps the namespace.
func UserNS(uids, gids []syscall.SysProcIDMap) (*os.File, error) {
	proc, err := os.StartProcess("/proc/self/exe", []string{"mydocker-userns"}, &os.ProcAttr{
		Sys: &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER, UidMappings: uids, GidMappings: gids, Ptrace: true},
	})
	if err != nil {
		return nil, fmt.Errorf("make a user namespace for an idmapped mount: %w", err)
	}
	defer func() {
		_ = proc.Kill()
		_, _ = proc.Wait()
	}()
	ns, err := os.Open(fmt.Sprintf("/proc/%d/ns/user", proc.Pid))
	if err != nil {
		return nil, fmt.Errorf("open the idmapped mount's user namespace: %w", err)
	}
	return ns, nil
}

// IDMap makes the detached mount mnt (Clone's) idmapped through the user
// namespace userns: the mount itself, or every mount of its tree with
// recursive ("ridmap"). The kernel takes it only on a filesystem that
// supports it, on a mount never attached yet.
func IDMap(mnt, userns *os.File, recursive bool) error {
	flags := uint(unix.AT_EMPTY_PATH)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(userns.Fd())}
	err := unix.MountSetattr(int(mnt.Fd()), "", flags, &attr)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOSYS):
		return errors.New("idmapped mounts need mount_setattr(2), which this kernel lacks (Linux 5.12 on)")
	case errors.Is(err, unix.EINVAL):
		// runc's words.
		return fmt.Errorf("failed to set MOUNT_ATTR_IDMAP on %s: %w (maybe the filesystem used doesn't support idmap mounts on this kernel?)",
			strings.TrimPrefix(mnt.Name(), "tree:"), err)
	default:
		return fmt.Errorf("failed to set MOUNT_ATTR_IDMAP on %s: %w", strings.TrimPrefix(mnt.Name(), "tree:"), err)
	}
}
