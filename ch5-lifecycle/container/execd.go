package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// initComm is the name the kernel gives our init: the last part of the
// path it was started from, /proc/self/exe (NewParentProcess).
const initComm = "exe"

// execGrace bounds how long waitForExec watches a process that still has
// init's name: a command that is itself called "exe" is taken as started
// after it.
const execGrace = time.Second

// waitForExec makes sure that init is gone through the exec of the
// command, not by its death: the status pipe reads end-of-file both when
// the exec closes it and when init dies before (killed, out of memory),
// and "run -d" printed the ID of a command that never started. The kernel
// names the process after the file it executes; init is our child, not
// yet waited for, so after a death before the exec its zombie keeps
// init's name. The exec closes the pipe a moment before it renames the
// process, hence the wait.
func waitForExec(pid int) error {
	deadline := time.Now().Add(execGrace)
	for {
		comm, state, code, err := commAndState(pid)
		if err != nil {
			return fmt.Errorf("check that the command started: %w", err)
		}
		if comm != initComm {
			return nil
		}
		if state == "Z" {
			return fmt.Errorf("the container's init ended before its command started (%s)", describeWait(code))
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
}

// commAndState reads the name, state and (once it has exited) the wait
// status of pid from /proc/PID/stat: fields 2, 3 and 52.
func commAndState(pid int) (comm, state string, code int, err error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", "", 0, err
	}
	s := string(stat)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", "", 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	fields := statFields(s)
	if len(fields) < 50 {
		return "", "", 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	code, _ = strconv.Atoi(fields[49])
	return s[open+1 : end], fields[0], code, nil
}

// describeWait says what a wait status means.
func describeWait(code int) string {
	ws := syscall.WaitStatus(code)
	if ws.Signaled() {
		return fmt.Sprintf("killed by signal %d, %s", int(ws.Signal()), ws.Signal())
	}
	return fmt.Sprintf("exit status %d", ws.ExitStatus())
}
