package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Process identifies a process across pid reuse: its pid and its start
// time in clock ticks since boot (field 22 of /proc/PID/stat).
type Process struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// processOf returns the Process that pid is now.
func processOf(pid int) (Process, error) {
	start, err := startTime(pid)
	return Process{PID: pid, Start: start}, err
}

// Alive reports whether the process still runs: same pid, same start
// time, and not a zombie.
func (p Process) Alive() bool {
	if p.PID <= 0 {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.PID))
	if err != nil {
		return false
	}
	fields := statFields(string(stat))
	if len(fields) < 20 || fields[0] == "Z" || fields[0] == "X" {
		return false
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	return err == nil && start == p.Start
}

// startTime reads the start time of pid.
func startTime(pid int) (uint64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the start time of %d: %w", pid, err)
	}
	fields := statFields(string(stat))
	if len(fields) < 20 {
		return 0, fmt.Errorf("read the start time of %d: short /proc/%d/stat", pid, pid)
	}
	return strconv.ParseUint(fields[19], 10, 64)
}

// statFields splits /proc/PID/stat after the command name, which is in
// parentheses and may itself hold spaces and parentheses: the first field
// returned is the state (field 3), the 20th the start time (field 22).
func statFields(stat string) []string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(stat[i+1:])
}
