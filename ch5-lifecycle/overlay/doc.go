// Package overlay gives a container a writable root filesystem on top of
// a read-only image layer (book 4.2), and binds its volumes (book 4.3).
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
// Each container has its own Workspace, under its directory (book 5.7).
// When the container exits it is only unmounted (Workspace.Unmount): the
// upper layer, with the container's changes, stays (commit still reads
// it) until rm, or --rm when it exits, deletes it (book 5.6). Nothing is
// deleted before every unmount has succeeded, and the removal stops at
// any mount point it meets, so a volume's host data is never deleted
// through its mount.
package overlay
