package mountfd

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Readonly makes the mount whose root is path read-only: that mount
// alone (the ones below it are mounts of their own), its other flags
// kept. mount_setattr sets the one attribute; a remount with mount(2)
// would have to repeat every flag a user namespace locked (nosuid, nodev,
// noexec, the atime mode), or be refused. It serves a container's
// read-only root (docker's --read-only, a bundle's root.readonly).
func Readonly(path string) error {
	f, err := os.OpenFile(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	return mountSetattr(f, unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false)
}
