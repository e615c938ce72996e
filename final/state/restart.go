package state

import (
	"fmt"
	"strconv"
	"strings"
)

// RestartPolicy is docker's --restart: no, on-failure[:N], always or
// unless-stopped.
type RestartPolicy struct {
	Name       string `json:"name,omitempty"` // "", "on-failure", "always" or "unless-stopped"
	MaxRetries int    `json:"maxRetries,omitempty"`
}

// ParseRestartPolicy reads --restart.
func ParseRestartPolicy(s string) (RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	switch {
	case (name == "no" || name == "") && !hasCount:
		return RestartPolicy{}, nil
	case (name == "always" || name == "unless-stopped") && !hasCount:
		// They differ at boot only (StartsAtBoot).
		return RestartPolicy{Name: name}, nil
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
	return RestartPolicy{}, fmt.Errorf("invalid restart policy %q: want no, on-failure[:N], always or unless-stopped", s)
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

// ShouldRestart tells whether a container that exited with code, after
// restarts restarts, starts again: never after stop or rm.
func (p RestartPolicy) ShouldRestart(code, restarts int, stopRequested bool) bool {
	switch {
	case stopRequested || p.Name == "":
		return false
	case p.Name == "always" || p.Name == "unless-stopped":
		return true
	}
	return code != 0 && (p.MaxRetries == 0 || restarts < p.MaxRetries)
}

// StartsAtBoot tells whether the container st, not running, is started
// again after a reboot (mydocker boot, run by mydocker-restart.service),
// as docker's daemon does when it starts: always, even after stop;
// unless-stopped, unless stop (or rm -f) ended it; on-failure, unless stop
// ended it or it exited by itself in a way the policy does not restart
// (0, or its retries used up). A container that ran when the machine went
// down has no exit code: that end was no choice of its own, and counts as
// a failure.
func (st *Container) StartsAtBoot() bool {
	if st.Status == Running && st.Init.Alive() {
		return false
	}
	p := st.Restart
	switch p.Name {
	case "always":
		return true
	case "unless-stopped":
		return !st.StopRequested
	case "on-failure":
		if st.StopRequested {
			return false
		}
		return st.ExitCode == nil || p.ShouldRestart(*st.ExitCode, st.Restarts, false)
	}
	return false
}
