package container

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns a random id for one run of a container: it names the
// container's cgroup, so that two containers never share one.
func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return hex.EncodeToString(b)
}

// isRunID reports whether id has the shape that newID gives. An ID read
// back from disk names a cgroup to remove: a damaged one must not.
func isRunID(id string) bool {
	b, err := hex.DecodeString(id)
	return err == nil && len(b) == 6
}
