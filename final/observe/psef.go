package observe

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// PsEFTitles are the columns of ps -ef, docker top's default.
var PsEFTitles = []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}

// clock is what ps's times are counted from.
type clock struct {
	now    time.Time
	boot   time.Time // /proc/stat's btime: start times count from it
	uptime uint64    // whole seconds since boot, /proc/uptime's
}

// PsEF formats the processes as procps's ps -ef does (docker runs it on
// the host for top), from /proc and the host's /etc/passwd: the same
// columns, read without running the host's ps.
func PsEF(list []ProcessInfo) ([][]string, error) {
	c, err := readClock()
	if err != nil {
		return nil, err
	}
	users := userNames("/etc/passwd")
	rows := make([][]string, 0, len(list))
	for _, p := range list {
		rows = append(rows, psEFRow(p, c, users))
	}
	return rows, nil
}

func psEFRow(p ProcessInfo, c clock, users map[int]string) []string {
	return []string{
		psUser(p.UID, users), strconv.Itoa(p.PID), strconv.Itoa(p.PPID), strconv.FormatUint(psC(p, c), 10),
		psSTime(p, c), hostTTY(p.TTY), psTime(p.CPUTicks), psCmd(p),
	}
}

// psUser is the user's name, or its number when it has none; a name
// longer than 8 ends in "+" at 8, as procps cuts it ("systemd+").
func psUser(uid int, users map[int]string) string {
	name, ok := users[uid]
	if !ok {
		return strconv.Itoa(uid)
	}
	if len(name) > 8 {
		return name[:7] + "+"
	}
	return name
}

// psC is procps's C: the CPU time over the process's life, in percent,
// an integer at most 99.
func psC(p ProcessInfo, c clock) uint64 {
	started := p.StartTicks / clockTicks
	if c.uptime <= started {
		return 0
	}
	return min(p.CPUTicks*100/clockTicks/(c.uptime-started), 99)
}

// psSTime is procps's STIME: "15:04" today, "Jan02" this year, else the
// year.
func psSTime(p ProcessInfo, c clock) string {
	t := c.boot.Add(time.Duration(p.StartTicks/clockTicks) * time.Second).Local()
	now := c.now.Local()
	switch {
	case t.Year() != now.Year():
		return t.Format("2006")
	case t.YearDay() != now.YearDay():
		return t.Format("Jan02")
	}
	return t.Format("15:04")
}

// hostTTY is the terminal's name as the host's ps shows it: a name
// procps finds in the host's /dev, else "?". A container's terminal is in
// its own devpts: host's ps names it only where the host's /dev/pts has
// a terminal of the same number.
func hostTTY(dev int) string {
	name := psTTY(dev)
	if name == "?" {
		return name
	}
	var st unix.Stat_t
	if err := unix.Stat("/dev/"+name, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR ||
		unix.Major(st.Rdev) != uint32((dev>>8)&0xfff) || unix.Minor(st.Rdev) != uint32((dev&0xff)|((dev>>12)&0xfff00)) {
		return "?"
	}
	return name
}

// psTTY names the terminal of device number dev (tty_nr: major in bits
// 8-15, minor in 0-7 and 20-31): pts/N, ttyN, ttySN, or "?".
func psTTY(dev int) string {
	major, minor := (dev>>8)&0xfff, (dev&0xff)|((dev>>12)&0xfff00)
	switch {
	case dev == 0:
		return "?"
	case major >= 136 && major <= 143:
		return fmt.Sprintf("pts/%d", minor+(major-136)*256)
	case major == 4 && minor < 64:
		return fmt.Sprintf("tty%d", minor)
	case major == 4:
		return fmt.Sprintf("ttyS%d", minor-64)
	}
	return "?"
}

// psTime is procps's TIME: the CPU time as [DD-]HH:MM:SS.
func psTime(ticks uint64) string {
	s := ticks / clockTicks
	if days := s / 86400; days > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, s/3600%24, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// psCmd is the command line; one that has none (a zombie, a kernel
// thread) is its name in brackets, as procps shows it.
func psCmd(p ProcessInfo) string {
	switch {
	case p.Zombie:
		return "[" + p.Comm + "] <defunct>"
	case p.Command == "":
		return "[" + p.Comm + "]"
	}
	return p.Command
}

func readClock() (clock, error) {
	c := clock{now: time.Now()}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return c, err
	}
	f := strings.Fields(string(up))
	if len(f) == 0 {
		return c, fmt.Errorf("/proc/uptime: empty")
	}
	secs, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return c, fmt.Errorf("/proc/uptime: %w", err)
	}
	c.uptime = uint64(secs)
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return c, err
	}
	for _, line := range strings.Split(string(stat), "\n") {
		if rest, ok := strings.CutPrefix(line, "btime "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return c, fmt.Errorf("/proc/stat btime: %w", err)
			}
			c.boot = time.Unix(n, 0)
			return c, nil
		}
	}
	return c, fmt.Errorf("/proc/stat: no btime")
}

// userNames maps the UIDs of a passwd file to their names; the first
// name of a UID wins, as getpwuid's. An unreadable file is no names.
func userNames(path string) map[int]string {
	names := map[int]string{}
	f, err := os.Open(path)
	if err != nil {
		return names
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 3 {
			continue
		}
		uid, err := strconv.Atoi(fields[2])
		if _, seen := names[uid]; err == nil && !seen {
			names[uid] = fields[0]
		}
	}
	return names
}
