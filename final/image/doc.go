// Package image keeps the container images: tar files of a root
// filesystem, and the read-only layer each is unpacked into (book 4.1).
//
// An image is <root>/images/NAME.tar, made by scripts/busybox-image.sh
// (the book's "docker export" of busybox) or by hand. It is unpacked once
// into <root>/layers/NAME, the lower layer every run of it shares, and
// unpacked again only when the tar changes. Unpacking refuses entries that
// would land outside the layer (see Unpack).
package image
