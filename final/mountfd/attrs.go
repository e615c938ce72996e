package mountfd

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Attrs are mount attributes (MOUNT_ATTR_*) to set and to clear on a
// mount and every mount below it: a bundle's recursive mount options
// ("rro", "rrw", "rnoatime"...), applied after the bind.
type Attrs struct {
	Set, Clear uint64
}

// With is a with one more option: attr set (or cleared, with clear), a
// later option winning over an earlier one. An access-time mode (atime)
// replaces the whole field, as mount_setattr(2) takes it: set, with every
// bit of the field cleared.
func (a Attrs) With(attr uint64, clear, atime bool) Attrs {
	switch {
	case atime:
		a.Set = a.Set&^unix.MOUNT_ATTR__ATIME | attr
		a.Clear |= unix.MOUNT_ATTR__ATIME
	case clear:
		a.Set &^= attr
		a.Clear |= attr
	default:
		a.Set |= attr
		a.Clear &^= attr
	}
	return a
}

// Empty reports whether a changes nothing.
func (a Attrs) Empty() bool { return a.Set == 0 && a.Clear == 0 }

// SetAttrTree applies a to mnt and every mount below it, in one call (so
// none is left half-changed). Without mount_setattr(2) (Linux before
// 5.12) it says so: there is no other way to change the mounts below.
func SetAttrTree(mnt *os.File, a Attrs) error {
	attr := unix.MountAttr{Attr_set: a.Set, Attr_clr: a.Clear}
	err := unix.MountSetattr(int(mnt.Fd()), "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr)
	if errors.Is(err, unix.ENOSYS) {
		return errors.New("recursive mount options need mount_setattr(2), which this kernel lacks (Linux 5.12 on)")
	}
	if err != nil {
		return fmt.Errorf("mount_setattr (recursive options): %w", err)
	}
	return nil
}
