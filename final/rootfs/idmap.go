package rootfs

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
)

// A bundle's bind with uidMappings and gidMappings, or the option "idmap"
// or "ridmap", is an idmapped mount, as runc 1.2 on makes it. The kernel
// takes MOUNT_ATTR_IDMAP only from a holder of CAP_SYS_ADMIN over the
// filesystem (the host's root, for the host's filesystems), on a mount
// not yet attached: the caller (mydocker-runc create, on the host)
// prepares it with PrepareIDMapped, and init only attaches it (Rootfs's
// Prepared).

// IDMapped reports whether m is to be an idmapped mount.
func IDMapped(m specs.Mount) bool {
	p, err := parseOptions(m.Options)
	return err == nil && p.idmap || m.UIDMappings != nil || m.GIDMappings != nil
}

// CheckIDMapped refuses, in runc's words, an idmapped mount that cannot
// be made: m's mappings are those it will be made with (its own, or the
// container's user namespace's, which the caller filled in).
func CheckIDMapped(m specs.Mount) error {
	p, err := parseOptions(m.Options)
	if err != nil {
		return err
	}
	if !isBind(m, p) {
		return errors.New("id-mapped mounts are only supported for bind-mounts")
	}
	if len(m.UIDMappings) == 0 || len(m.GIDMappings) == 0 {
		return errors.New("id-mapped mounts must have both uid and gid mappings specified")
	}
	return nil
}

// PrepareIDMapped makes the idmapped mount m, detached, with the user
// namespace userns's mapping: open_tree(OPEN_TREE_CLONE, recursive with
// rbind) of the source, MOUNT_ATTR_IDMAP (on every mount of the tree with
// "ridmap"), then the mount's flags and recursive options, which init,
// perhaps in a user namespace of its own, may not be allowed to change.
func PrepareIDMapped(m specs.Mount, userns *os.File) (*os.File, error) {
	p, err := parseOptions(m.Options)
	if err != nil {
		return nil, err
	}
	mnt, err := mountfd.Clone(unix.AT_FDCWD, m.Source, p.flags&unix.MS_REC != 0)
	if err != nil {
		return nil, err
	}
	err = mountfd.IDMap(mnt, userns, p.ridmap)
	if err == nil {
		err = mountfd.SetAttr(mnt, p.flags, false)
	}
	if err == nil && !p.recursive.Empty() {
		err = mountfd.SetAttrTree(mnt, p.recursive)
	}
	if err != nil {
		mnt.Close()
		return nil, fmt.Errorf("mount %s on %s: %w", m.Source, m.Destination, err)
	}
	return mnt, nil
}
