// Package overlay gives a container a writable root filesystem on top of
// a read-only image layer (book 4.2).
//
// The book used aufs, which mainline kernels never had: its mount failed,
// the error was only logged, and the container started in an empty
// directory. overlayfs is in every kernel since 3.18: a mount of type
// "overlay" with lowerdir (the image, never written), upperdir (where the
// container's changes go) and workdir (overlayfs's scratch space, which
// must be an empty directory on the same filesystem as upperdir) shows
// their union at the mount point ("merged"). See
// https://docs.kernel.org/filesystems/overlayfs.html.
//
// There is one Workspace, under <root>/overlay, so one container at a
// time. When the container exits, run unmounts it and deletes it, upper
// layer included (Workspace.Remove), so the container's changes go with
// it; a run killed with kill -9 leaves it, and the next run removes it
// first.
package overlay
