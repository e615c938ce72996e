package procstat

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/mydocker/mydocker/final/internal/smallfile"
)

// Stat is what the runtimes read of /proc/PID/stat. Times are in clock
// ticks (USER_HZ); StartTime counts from boot.
type Stat struct {
	PID       int
	Comm      string // the command name, without its parentheses
	State     byte   // R, S, D, Z, X, ...
	PPID      int
	TTY       int    // the controlling terminal's device number (tty_nr), 0 for none
	UTime     uint64 // user time
	STime     uint64 // system time
	StartTime uint64
}

// fields after the command name that Parse needs: state (field 3) up to
// starttime (field 22).
const minFields = 22 - 2

// Read reads and parses /proc/PID/stat.
func Read(pid int) (Stat, error) {
	data, err := smallfile.Read("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Stat{}, err
	}
	st, err := Parse(data)
	if err != nil {
		return Stat{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return st, nil
}

// Parse reads the content of a /proc/PID/stat file. The command name is
// from the first '(' to the last ')': the kernel puts no ')' after it,
// but the process may put any number inside it.
func Parse(data []byte) (Stat, error) {
	open, end := bytes.IndexByte(data, '('), bytes.LastIndexByte(data, ')')
	if open < 0 || end < open {
		return Stat{}, fmt.Errorf("no command name in %q", data)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data[:open])))
	if err != nil {
		return Stat{}, fmt.Errorf("pid: %w", err)
	}
	f := bytes.Fields(data[end+1:])
	if len(f) < minFields || len(f[0]) != 1 {
		return Stat{}, fmt.Errorf("too short or garbled: %q", data)
	}
	st := Stat{PID: pid, Comm: string(data[open+1 : end]), State: f[0][0]}
	// Fields are numbered as in proc(5), counting the pid as 1.
	nums := []struct {
		field int
		into  *uint64
	}{{14, &st.UTime}, {15, &st.STime}, {22, &st.StartTime}}
	for _, n := range nums {
		if *n.into, err = strconv.ParseUint(string(f[n.field-3]), 10, 64); err != nil {
			return Stat{}, fmt.Errorf("field %d: %w", n.field, err)
		}
	}
	if st.PPID, err = strconv.Atoi(string(f[4-3])); err != nil {
		return Stat{}, fmt.Errorf("field 4: %w", err)
	}
	if st.TTY, err = strconv.Atoi(string(f[7-3])); err != nil {
		return Stat{}, fmt.Errorf("field 7: %w", err)
	}
	return st, nil
}

// Gone reports whether a process in this state has exited: a zombie
// waits to be reaped, a dead one is being torn down.
func (s Stat) Gone() bool { return s.State == 'Z' || s.State == 'X' }
