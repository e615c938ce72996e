// Package build turns a Dockerfile into an image, as docker build does
// (issue 25): BuildKit's own parser and instruction types read it, each
// instruction changes the image's config and history as docker's classic
// builder does, RUN steps are containers whose changes become layers, and
// each step's image is kept in a cache keyed by its parent and its
// instruction, so that a rebuild with no change makes no new image.
package build
