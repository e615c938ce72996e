// Package containerfs reads and writes a container's filesystem from the
// host: Commit makes an image of what the container changed (its overlay
// upper layer) over its image, Export writes its whole filesystem as one
// tar (the book's commit, 4.4 and 5.7), and CopyIn and CopyOut are
// docker cp. It runs in the CLI's process on the host and never trusts
// the container's tree: a running container's root is opened through
// /proc/PID/root, a stopped one's layers are mounted for the while under
// its lock (state.Store.Change, so that start waits), every path is
// resolved inside that root, and what cp writes on the host is written
// through descriptors, below the destination (cphost.go). It imports
// state (Container, Store) and image, and is imported by the CLI alone.
package containerfs
