// Package buildctx is what `mydocker build` reads files from: the build
// context (a directory, a tar or stdin, filtered by .dockerignore) and the
// sources of COPY and ADD (the context, another stage's or an image's root
// filesystem, a URL). It turns one COPY/ADD into a cache checksum and into an
// uncompressed tar layer; it runs no containers.
//
// The host never trusts what it reads here: a context and an image are
// written by someone else. Every file is opened through an os.Root (a
// symlink never leads out of the tree, absolute link targets are resolved
// against the tree's root as inside a container), and only regular files are
// read (opened O_NONBLOCK and checked, so a FIFO cannot hang the build).
package buildctx
