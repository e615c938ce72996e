// Package testutil holds the checks that let a unit test skip, with the
// reason, on a machine that lacks what it needs.
package testutil

import (
	"os"
	"testing"
)

// RequireRoot skips the test unless it runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("test requires root")
	}
}
