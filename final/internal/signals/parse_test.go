package signals

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]unix.Signal{
		"9": unix.SIGKILL, "64": 64, "KILL": unix.SIGKILL, "SIGKILL": unix.SIGKILL,
		"term": unix.SIGTERM, "hup": unix.SIGHUP, "SIGUSR1": unix.SIGUSR1, "sigwinch": unix.SIGWINCH,
		"RTMIN": 34, "SIGRTMIN+3": 37, "rtmin+30": 64, "RTMAX": 64, "SIGRTMAX-2": 62, "RTMAX-30": 34,
	} {
		got, err := Parse(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, bad := range []string{
		"0", "65", "-1", "", "NOPE", "SIG", "RTMIN+31", "RTMAX-31", "RTMIN-1", "RTMAX+1",
		"RTMIN+", "RTMIN+x", "RTMIN++1", "RTMAX--1", "RTMINX",
	} {
		_, err := Parse(bad)
		if assert.Error(t, err, bad) {
			assert.Contains(t, err.Error(), "invalid signal", bad)
		}
	}
}
