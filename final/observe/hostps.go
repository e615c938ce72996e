package observe

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// HostPs runs the host's ps with the options docker top was given after
// the container, and keeps the rows of the processes pids, as docker's
// daemon does: ps is asked for those alone (-q), or, where its options
// forbid -q (f, a forest), for every process.
func HostPs(psArgs string, pids []int) (titles []string, rows [][]string, err error) {
	if err := validatePSArgs(psArgs); err != nil {
		return nil, nil, err
	}
	args := strings.Split(psArgs, " ")
	list := make([]string, len(pids))
	for i, pid := range pids {
		list[i] = strconv.Itoa(pid)
	}
	out, err := hostPs(append(args, "-q", strings.Join(list, ","))...).Output()
	if err != nil {
		if out, err = hostPs(args...).Output(); err != nil {
			var exit *exec.ExitError
			if errors.As(err, &exit) && len(exit.Stderr) > 0 {
				// Its first line: the rest is ps's usage.
				first, _, _ := strings.Cut(strings.TrimSpace(string(exit.Stderr)), "\n")
				return nil, nil, fmt.Errorf("ps: %w: %s", err, first)
			}
			return nil, nil, fmt.Errorf("ps: %w", err)
		}
	}
	return parsePSOutput(string(out), pids)
}

// hostPs is the host's ps with args, found in the system's directories
// and run with a fixed environment (the C locale, as docker's daemon
// runs it), never the caller's PATH or variables: it runs as root.
func hostPs(args ...string) *exec.Cmd {
	path := "/usr/bin/ps" // its error says what is missing
	for _, dir := range []string{"/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
		if isExecutable(dir + "/ps") {
			path = dir + "/ps"
			break
		}
	}
	cmd := exec.Command(path, args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	return cmd
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// psPIDRename matches a column renamed to PID ("-o user=PID"), which
// would make another column read as the PIDs: docker refuses it.
var psPIDRename = regexp.MustCompile(`\s+([^\s]*)=\s*(PID[^\s]*)`)

func validatePSArgs(psArgs string) error {
	for _, group := range psPIDRename.FindAllStringSubmatch(psArgs, -1) {
		if group[1] != "pid" {
			return fmt.Errorf("specifying \"%s=%s\" is not allowed", group[1], group[2])
		}
	}
	return nil
}

// parsePSOutput keeps the rows of ps's output whose PID column is one of
// pids, the last column (the command) whole; a thread's row ("-" as its
// PID, with ps's m) follows its process.
func parsePSOutput(output string, pids []int) ([]string, [][]string, error) {
	lines := strings.Split(output, "\n")
	titles := strings.Fields(lines[0])
	pidIndex := -1
	for i, name := range titles {
		if name == "PID" {
			pidIndex = i
			break
		}
	}
	if pidIndex == -1 {
		return nil, nil, errors.New("couldn't find PID field in ps output")
	}
	in := map[int]bool{}
	for _, pid := range pids {
		in[pid] = true
	}
	var rows [][]string
	kept := false
	for _, line := range lines[1:] {
		fields := strings.Fields(line)
		if len(fields) <= pidIndex {
			continue
		}
		if fields[pidIndex] == "-" {
			if kept {
				rows = append(rows, psRow(fields, len(titles)))
			}
			continue
		}
		pid, err := strconv.Atoi(fields[pidIndex])
		if err != nil {
			return nil, nil, fmt.Errorf("unexpected pid '%s': %w", fields[pidIndex], err)
		}
		if kept = in[pid]; kept {
			rows = append(rows, psRow(fields, len(titles)))
		}
	}
	return titles, rows, nil
}

// psRow is a line's fields as n columns, the last one the rest joined.
func psRow(fields []string, n int) []string {
	if len(fields) < n {
		return fields
	}
	return append(fields[:n-1:n-1], strings.Join(fields[n-1:], " "))
}
