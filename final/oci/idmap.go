package oci

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/mountfd"
	"github.com/mydocker/mydocker/final/rootfs"
)

// Idmapped mounts (rootfs/idmap.go) are made here, by create, on the
// host, as runc makes them in its parent: the kernel takes
// MOUNT_ATTR_IDMAP only from a holder of CAP_SYS_ADMIN over the source's
// filesystem, which init in a user namespace is not. Each goes to init
// detached, as a descriptor after its own (initFd), and init attaches it
// in its place among the mounts.

// idmapMount is m with the mappings its idmapped mount is made with: its
// own; for "idmap" or "ridmap" without any, the container's user
// namespace's, as runc (nsPath is then the namespace's path, when it is
// joined rather than made).
func idmapMount(s *specs.Spec, m specs.Mount) (_ specs.Mount, nsPath string) {
	if m.UIDMappings != nil || m.GIDMappings != nil {
		return m, ""
	}
	if ns, ok := namespace(s, specs.UserNamespace); ok {
		if ns.Path != "" {
			return m, ns.Path
		}
		m.UIDMappings, m.GIDMappings = s.Linux.UIDMappings, s.Linux.GIDMappings
	}
	return m, ""
}

// checkIDMapped refuses, as runc, an idmapped mount that cannot be made.
func checkIDMapped(s *specs.Spec) error {
	for i, m := range s.Mounts {
		if !rootfs.IDMapped(m) {
			continue
		}
		m, nsPath := idmapMount(s, m)
		if nsPath != "" {
			continue
		}
		if err := rootfs.CheckIDMapped(m); err != nil {
			return fmt.Errorf("mounts[%d] %s: %w", i, m.Destination, err)
		}
	}
	return nil
}

// prepareIDMapped makes the spec's idmapped mounts, detached, and says
// which mount each is (its index in s.Mounts). Mounts of one mapping
// share its user namespace.
func prepareIDMapped(s *specs.Spec) (mounts []*os.File, index []int, err error) {
	namespaces := map[string]*os.File{}
	defer func() {
		for _, ns := range namespaces {
			ns.Close()
		}
		if err != nil {
			closeAll(mounts)
			mounts, index = nil, nil
		}
	}()
	for i, m := range s.Mounts {
		if !rootfs.IDMapped(m) {
			continue
		}
		m, nsPath := idmapMount(s, m)
		userns, err := usernsOf(namespaces, m, nsPath)
		if err != nil {
			return mounts, index, err
		}
		mnt, err := rootfs.PrepareIDMapped(m, userns)
		if err != nil {
			return mounts, index, err
		}
		mounts, index = append(mounts, mnt), append(index, i)
	}
	return mounts, index, nil
}

// usernsOf is the user namespace of m's mapping (or the one at nsPath):
// made once per mapping, kept in namespaces.
func usernsOf(namespaces map[string]*os.File, m specs.Mount, nsPath string) (*os.File, error) {
	key := nsPath
	if key == "" {
		key = fmt.Sprint(m.UIDMappings, m.GIDMappings)
	}
	if ns, ok := namespaces[key]; ok {
		return ns, nil
	}
	var ns *os.File
	var err error
	if nsPath != "" {
		if ns, err = os.Open(nsPath); err != nil {
			return nil, fmt.Errorf("open the user namespace of an idmapped mount: %w", err)
		}
	} else if ns, err = mountfd.UserNS(idMaps(m.UIDMappings), idMaps(m.GIDMappings)); err != nil {
		return nil, err
	}
	namespaces[key] = ns
	return ns, nil
}
