package signals

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The real-time signals as C programs see them: glibc and musl keep the
// kernel's first two (32, 33) for their threads, so SIGRTMIN is 34 in
// every process a container runs, and what docker's RTMIN names.
const (
	rtMin = 34
	rtMax = 64
)

// Parse reads a signal: a number, a name, or RTMIN+n / RTMAX-n.
func Parse(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return inRange(s, n)
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if sig, ok, err := realTime(s, name); ok {
		return sig, err
	}
	if sig := unix.SignalNum("SIG" + name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("invalid signal %q: want a name such as KILL or TERM, or a number", s)
}

// realTime reads RTMIN, RTMIN+n, RTMAX and RTMAX-n; ok says name is one.
func realTime(s, name string) (sig unix.Signal, ok bool, err error) {
	for _, base := range []struct {
		name, op string
		n, sign  int
	}{{"RTMIN", "+", rtMin, 1}, {"RTMAX", "-", rtMax, -1}} {
		rest, found := strings.CutPrefix(name, base.name)
		if !found {
			continue
		}
		if rest == "" {
			return unix.Signal(base.n), true, nil
		}
		digits, found := strings.CutPrefix(rest, base.op)
		off, err := strconv.Atoi(digits)
		if !found || err != nil || off < 0 || digits[0] == '+' {
			return 0, true, fmt.Errorf("invalid signal %q: want %s%sN", s, base.name, base.op)
		}
		n := base.n + base.sign*off
		if n < rtMin || n > rtMax {
			return 0, true, fmt.Errorf("invalid signal %q: real-time signals are %d to %d", s, rtMin, rtMax)
		}
		return unix.Signal(n), true, nil
	}
	return 0, false, nil
}

func inRange(s string, n int) (unix.Signal, error) {
	if n < 1 || n > 64 {
		return 0, fmt.Errorf("invalid signal %q: out of range 1 to 64", s)
	}
	return unix.Signal(n), nil
}
