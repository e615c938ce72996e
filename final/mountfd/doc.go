// Package mountfd makes mounts in a container's root through descriptors,
// never by path, for mydocker run and mydocker-runc alike: every mount
// target (a bundle's mounts, mydocker's /proc, /sys, /dev, the volumes,
// the /etc files, the masked and read-only paths) is opened once inside
// the root (OpenTarget: openat2 RESOLVE_IN_ROOT through pathrs-lite, made
// there when missing, never the root itself), checked on its descriptor,
// and mounted onto with the new mount API (New, Clone, SetAttr, Attach);
// Readonly makes a container's root read-only keeping the flags it has.
package mountfd
