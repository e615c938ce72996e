package fs

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// FindMounts finds where each v1 controller is mounted, from
// /proc/self/mountinfo: {"memory": "/sys/fs/cgroup/memory", ...}.
func FindMounts() (map[string]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("find cgroup v1 mounts: %w", err)
	}
	defer f.Close()
	return parseMounts(f)
}

// parseMounts reads mountinfo(5) lines such as
//
//	35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
//
// Field 5 is the mount point; after the "-" come the filesystem type, the
// source and the super options, which name the controllers of a v1
// hierarchy (several share one, as in "rw,cpu,cpuacct").
func parseMounts(r io.Reader) (map[string]string, error) {
	mounts := map[string]string{}
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		sep := indexOf(fields, "-")
		if sep < 5 || len(fields) < sep+4 || fields[sep+1] != "cgroup" {
			continue
		}
		for _, opt := range strings.Split(fields[sep+3], ",") {
			if _, seen := mounts[opt]; !seen {
				mounts[opt] = fields[4]
			}
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	return mounts, nil
}

func indexOf(fields []string, s string) int {
	for i, f := range fields {
		if f == s {
			return i
		}
	}
	return -1
}
