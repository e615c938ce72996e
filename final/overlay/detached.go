package overlay

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openDetached opens a read-only overlay of layers (top first) that is
// never attached anywhere: the new mount API (fsopen, fsconfig, fsmount)
// makes the mount as a file descriptor alone. No path shows it, not even
// for a moment, so a kill -9 at any point leaves no mount behind: the
// kernel drops it with the process's last descriptor of it.
func openDetached(layers []string) (*os.File, error) {
	lower, done, err := lowerdirs(layers)
	if err != nil {
		return nil, err
	}
	defer done()
	if len("lowerdir="+lower) >= maxMountData {
		return nil, fmt.Errorf("mount overlay: %d layers are more than overlayfs's options can name", len(layers))
	}
	fsfd, err := unix.Fsopen("overlay", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen overlay: %w", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigSetString(fsfd, "lowerdir", lower); err != nil {
		return nil, fmt.Errorf("overlay of %d layers: lowerdir: %w", len(layers), err)
	}
	if err := unix.FsconfigSetFlag(fsfd, "ro"); err != nil {
		return nil, fmt.Errorf("overlay of %d layers: ro: %w", len(layers), err)
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return nil, fmt.Errorf("overlay of %d layers: %w", len(layers), err)
	}
	mnt, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOSUID)
	if err != nil {
		return nil, fmt.Errorf("fsmount overlay of %d layers: %w", len(layers), err)
	}
	// The mount's fd names it (O_PATH): its root is opened as a directory
	// to be read; closing the mount's fd leaves it to that directory's.
	fd, err := unix.Openat(mnt, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	unix.Close(mnt)
	if err != nil {
		return nil, fmt.Errorf("open the overlay of %d layers: %w", len(layers), err)
	}
	return os.NewFile(uintptr(fd), "overlay"), nil
}
