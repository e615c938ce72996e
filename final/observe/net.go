package observe

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// netIO adds up the bytes received and sent by the interfaces of the
// network namespace of process pid, lo left out, as docker stats's NET
// I/O: /proc/PID/net/dev shows that process's namespace.
func netIO(pid int) (rx, tx uint64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/dev", pid))
	if err != nil {
		return 0, 0, err
	}
	rx, tx = netDevBytes(string(b))
	return rx, tx, nil
}

// netDevBytes reads /proc/net/dev: two lines of headers, then one line an
// interface, "  eth0: RX bytes packets errs drop fifo frame compressed
// multicast TX bytes ...".
func netDevBytes(text string) (rx, tx uint64) {
	for _, line := range strings.Split(text, "\n") {
		name, counters, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "lo" {
			continue
		}
		f := strings.Fields(counters)
		if len(f) < 9 {
			continue
		}
		r, err1 := strconv.ParseUint(f[0], 10, 64)
		t, err2 := strconv.ParseUint(f[8], 10, 64)
		if err1 == nil && err2 == nil {
			rx, tx = rx+r, tx+t
		}
	}
	return rx, tx
}
