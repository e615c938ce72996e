package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]unix.Signal{
		"9": unix.SIGKILL, "KILL": unix.SIGKILL, "SIGKILL": unix.SIGKILL, "term": unix.SIGTERM,
		"hup": unix.SIGHUP, "SIGUSR1": unix.SIGUSR1,
	} {
		got, err := parseSignal(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, bad := range []string{"0", "65", "NOPE", "", "-1"} {
		_, err := parseSignal(bad)
		assert.Error(t, err, bad)
	}
}
