// Package image keeps final/'s images: OCI and Docker images pulled from
// registries (go-containerregistry), loaded from docker-archive or OCI
// layout tars, imported from a root filesystem tar, or committed from a
// container.
//
// The store under --root is content-addressed (see Store): blobs by
// digest, each layer unpacked once by its diff ID and shared by every
// image that has it, and images.json naming the images. Every blob is
// checked against its digest, and every layer against its diff ID, before
// it is used; unpacking refuses entries that would land outside the layer
// (see Unpack) and turns whiteouts into overlayfs's own form. Export
// writes a filesystem as a plain tar (book 4.4), for mydocker export;
// ExportDiff writes a container's writable layer as the new layer of a
// commit.
package image
