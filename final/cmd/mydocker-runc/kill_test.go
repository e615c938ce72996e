package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// kill takes signal 0, which runc's clients send to ask whether the
// container runs; every other spelling is signals.Parse's.
func TestKillSignal(t *testing.T) {
	for s, want := range map[string]unix.Signal{"0": 0, "KILL": unix.SIGKILL, "9": unix.SIGKILL, "SIGTERM": unix.SIGTERM} {
		sig, err := killSignal(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, sig, s)
	}
	for _, s := range []string{"-1", "65", "SIG0", "NOPE"} {
		_, err := killSignal(s)
		assert.Error(t, err, s)
	}
}
