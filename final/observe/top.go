package observe

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/internal/procstat"
	"github.com/mydocker/mydocker/final/state"
)

// ProcessInfo is one process of a container, as top shows it.
type ProcessInfo struct {
	UID, PID, PPID int    // UID: the effective one, as ps -ef's
	TTY            int    // the controlling terminal's device number, 0 for none
	CPUTicks       uint64 // user + system time, in clock ticks
	StartTicks     uint64 // since boot, in clock ticks
	Command        string // the command line; empty for a zombie
	Comm           string // the command's name
	Zombie         bool
}

// CPUSeconds is the process's user and system time.
func (p ProcessInfo) CPUSeconds() float64 { return float64(p.CPUTicks) / clockTicks }

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on
// every Linux architecture we build for.
const clockTicks = 100

// Top lists the processes of a running container, as docker top does:
// every process in its PID namespace, the ones exec started too. (Its
// cgroup would not do: a container without limits has none in every
// cgroup v1 hierarchy.)
func Top(st *state.Container) ([]ProcessInfo, error) {
	pids, err := processesOf(st)
	if err != nil {
		return nil, err
	}
	var list []ProcessInfo
	for _, pid := range pids {
		if p, ok := processInfo(pid); ok {
			list = append(list, p)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].PID < list[j].PID })
	return list, nil
}

// PIDs lists the host PIDs of the running container's processes, as
// Top finds them.
func PIDs(st *state.Container) ([]int, error) { return processesOf(st) }

// processesOf lists the host PIDs of the processes in the running
// container's PID namespace; or, when it shares one (--pid host or
// container:NAME), of its cgroup, which holds its own alone.
func processesOf(st *state.Container) ([]int, error) {
	if st.Status != state.Running || !st.Init.Alive() {
		return nil, fmt.Errorf("%w: %s", state.ErrNotRunning, st.Name)
	}
	if st.Process.PidMode != "" {
		return cgroups.Procs(st.ID)
	}
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", st.Init.PID))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", st.Name, err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if theirs, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil && theirs == ns {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// processInfo reads one process from /proc; one that is gone is skipped.
func processInfo(pid int) (ProcessInfo, bool) {
	p := ProcessInfo{PID: pid}
	stat, err := procstat.Read(pid)
	if err != nil {
		return p, false
	}
	p.PPID, p.TTY, p.Comm, p.Zombie = stat.PPID, stat.TTY, stat.Comm, stat.State == 'Z'
	p.CPUTicks, p.StartTicks = stat.UTime+stat.STime, stat.StartTime
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			if f := strings.Fields(rest); len(f) > 1 { // real, effective, saved, fs
				p.UID, _ = strconv.Atoi(f[1])
			}
		}
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	p.Command = strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
	return p, true
}

// TopTable is docker top's table of the running container: ps -ef's
// columns read from /proc, or, with psArgs, the host's ps run with them
// (HostPs), its rows kept for the container's processes. The CLI's top
// and the API's share it.
func TopTable(st *state.Container, psArgs string) (titles []string, rows [][]string, err error) {
	if psArgs == "" {
		list, err := Top(st)
		if err != nil {
			return nil, nil, err
		}
		rows, err := PsEF(list)
		return PsEFTitles, rows, err
	}
	pids, err := PIDs(st)
	if err != nil {
		return nil, nil, err
	}
	return HostPs(psArgs, pids)
}
