package state

import (
	"fmt"

	"github.com/mydocker/mydocker/final/internal/procstat"
)

// Process identifies a process across pid reuse: its pid and its start
// time in clock ticks since boot (field 22 of /proc/PID/stat).
type Process struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// ProcessOf returns the Process that pid is now.
func ProcessOf(pid int) (Process, error) {
	start, err := startTime(pid)
	return Process{PID: pid, Start: start}, err
}

// Alive reports whether the process still runs: same pid, same start
// time, and not a zombie.
func (p Process) Alive() bool {
	if p.PID <= 0 {
		return false
	}
	st, err := procstat.Read(p.PID)
	return err == nil && !st.Gone() && st.StartTime == p.Start
}

// startTime reads the start time of pid.
func startTime(pid int) (uint64, error) {
	st, err := procstat.Read(pid)
	if err != nil {
		return 0, fmt.Errorf("read the start time of %d: %w", pid, err)
	}
	return st.StartTime, nil
}
