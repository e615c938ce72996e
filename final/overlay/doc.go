// Package overlay gives a container a writable root filesystem on top of
// a read-only image layer (book 4.2).
//
// The book used aufs, which mainline kernels never had: its mount failed,
// the error was only logged, and the container started in an empty
// directory. overlayfs is in every kernel since 3.18: a mount of type
// "overlay" with lowerdir (the image, never written), upperdir (where the
// container's changes go) and workdir (overlayfs's scratch space, which
// must be an empty directory on the same filesystem as upperdir) shows
// their union at the mount point ("merged"). Deleting the upper layer
// after the run forgets every change. See
// https://docs.kernel.org/filesystems/overlayfs.html.
package overlay
