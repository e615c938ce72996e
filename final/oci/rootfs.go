package oci

import (
	"fmt"
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/rootfs"
	"github.com/mydocker/mydocker/final/security"
)

// The root filesystem itself (propagation, mounts, devices, the pivot)
// is package rootfs's, shared with mydocker run's init; here is what only
// a bundle has.

// rootfsPropagation is the propagation of "/" in the container's mount
// namespace: linux.rootfsPropagation, or rslave as runc's default (the
// host's later mounts reach the container; none of its reach the host).
func rootfsPropagation(s *specs.Spec) (uintptr, error) {
	p := s.Linux.RootfsPropagation
	if p == "" {
		return unix.MS_SLAVE | unix.MS_REC, nil
	}
	flag, ok := rootfs.Propagation(p)
	if !ok {
		return 0, fmt.Errorf("config.json: linux.rootfsPropagation %q is not a propagation", p)
	}
	return flag, nil
}

// maskAndProtect applies linux.maskedPaths and linux.readonlyPaths, with
// the library mydocker run uses (security.MaskPaths, MakeReadonly): each
// path opened in the new root, masked and made read-only through its
// descriptor.
func maskAndProtect(s *specs.Spec) error {
	if err := security.MaskPaths(s.Linux.MaskedPaths); err != nil {
		return err
	}
	return security.MakeReadonly(s.Linux.ReadonlyPaths)
}

// devLaterReadonly takes "ro" off a mount on /dev ("ro /dev", which
// runc's suite tests): its devices, /dev/pts and the console must go in
// first. setUpProcess makes it read-only once they are, as runc does;
// later says whether it is to.
func devLaterReadonly(mounts []specs.Mount) (_ []specs.Mount, later bool) {
	for i, m := range mounts {
		if filepath.Clean(m.Destination) != "/dev" || !slices.Contains(m.Options, "ro") {
			continue
		}
		out := slices.Clone(mounts)
		out[i].Options = slices.DeleteFunc(slices.Clone(m.Options), func(o string) bool { return o == "ro" })
		return out, true
	}
	return mounts, false
}
