package container

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RestartPolicy is docker's --restart: no, on-failure[:N] or always.
type RestartPolicy struct {
	Name       string `json:"name,omitempty"` // "", "on-failure" or "always"
	MaxRetries int    `json:"maxRetries,omitempty"`
}

// ParseRestartPolicy reads --restart.
func ParseRestartPolicy(s string) (RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	switch {
	case (name == "no" || name == "") && !hasCount:
		return RestartPolicy{}, nil
	case name == "always" && !hasCount, name == "unless-stopped" && !hasCount:
		// No daemon restarts containers at boot, so unless-stopped is always.
		return RestartPolicy{Name: "always"}, nil
	case name == "on-failure":
		p := RestartPolicy{Name: name}
		if hasCount {
			n, err := strconv.Atoi(count)
			if err != nil || n < 1 {
				return p, fmt.Errorf("invalid restart policy %q: the count must be a number of 1 or more", s)
			}
			p.MaxRetries = n
		}
		return p, nil
	}
	return RestartPolicy{}, fmt.Errorf("invalid restart policy %q: want no, on-failure[:N] or always", s)
}

// String is the policy as --restart takes it.
func (p RestartPolicy) String() string {
	switch {
	case p.Name == "":
		return "no"
	case p.MaxRetries > 0:
		return fmt.Sprintf("%s:%d", p.Name, p.MaxRetries)
	}
	return p.Name
}

// shouldRestart tells whether a container that exited with code, after
// restarts restarts, starts again: never after stop or rm.
func (p RestartPolicy) shouldRestart(code, restarts int, stopRequested bool) bool {
	switch {
	case stopRequested || p.Name == "":
		return false
	case p.Name == "always":
		return true
	}
	return code != 0 && (p.MaxRetries == 0 || restarts < p.MaxRetries)
}

// restartDelay is how long the monitor waits before restart number n (0
// first): docker's 100 ms, doubled each time, at most a minute, so that a
// container that fails at once does not spin.
func restartDelay(n int) time.Duration {
	d := 100 * time.Millisecond
	for i := 0; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}
