package oci

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Time namespaces (linux.namespaces "time", linux.timeOffsets), as runc
// 1.2: the container's CLOCK_MONOTONIC and CLOCK_BOOTTIME (and so its
// /proc/uptime) are the host's plus the offsets. The namespace is made by
// init's C constructor and its offsets written before any process is in
// it (nsenter/timens.c).

// timeClocks are the clocks a time namespace offsets, by their ids (the
// form of timens_offsets every kernel with time namespaces reads).
var timeClocks = map[string]int{"monotonic": unix.CLOCK_MONOTONIC, "boottime": unix.CLOCK_BOOTTIME}

// checkTimeOffsets refuses offsets of another clock, out-of-range
// nanoseconds, and offsets with no new time namespace to hold them (none,
// or one joined by path, whose offsets are its own already), as runc.
func checkTimeOffsets(s *specs.Spec) error {
	offsets := s.Linux.TimeOffsets
	if len(offsets) == 0 {
		return nil
	}
	ns, ok := namespace(s, specs.TimeNamespace)
	if !ok {
		return errors.New("linux.timeOffsets: the config has no time namespace (linux.namespaces: time)")
	}
	if ns.Path != "" {
		return errors.New("linux.timeOffsets: the time namespace is joined by path; its offsets are its own")
	}
	for clock, o := range offsets {
		if _, ok := timeClocks[clock]; !ok {
			return fmt.Errorf("linux.timeOffsets: %q: want monotonic or boottime", clock)
		}
		if o.Nanosecs >= 1e9 {
			return fmt.Errorf("linux.timeOffsets.%s.nanosecs %d: want below 1000000000", clock, o.Nanosecs)
		}
	}
	return nil
}

// timeOffsetsParam is the offsets as the constructor writes them to
// /proc/self/timens_offsets: "CLOCKID SECS NANOSECS" entries, joined by ','.
func timeOffsetsParam(offsets map[string]specs.LinuxTimeOffset) string {
	var entries []string
	for clock, o := range offsets {
		entries = append(entries, fmt.Sprintf("%d %d %d", timeClocks[clock], o.Secs, o.Nanosecs))
	}
	sort.Strings(entries)
	return strings.Join(entries, ",")
}
