// Package rootfs makes a container's root filesystem in its new mount
// namespace, for mydocker run's init (package initproc) and a bundle's
// (package oci) alike: the propagation of "/", the root bound onto
// itself, the mounts in their order, each made on a descriptor of its
// destination opened inside the root (package mountfd), the cgroup tree
// as docker lays it out, the devices, and the pivot into it. It needs
// no cgo and none of the heavy libraries, so that the container's init
// is a small static binary (cmd/mydocker-init).
package rootfs
