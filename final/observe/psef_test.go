package observe

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPsEFRowHasProcpsColumns(t *testing.T) {
	boot := time.Date(2026, 3, 1, 8, 0, 0, 0, time.Local)
	c := clock{now: boot.Add(3 * time.Hour), boot: boot, uptime: 3 * 3600}
	p := ProcessInfo{UID: 0, PID: 42, PPID: 1, TTY: 0, CPUTicks: 100 * 3661, StartTicks: 100 * 60, Command: "sleep 1000"}
	assert.Equal(t, []string{"root", "42", "1", "34", "08:01", "?", "01:01:01", "sleep 1000"},
		psEFRow(p, c, map[int]string{0: "root"}))
}

func TestPsEFColumns(t *testing.T) {
	users := map[int]string{0: "root", 101: "systemd-network", 65534: "nobody"}
	assert.Equal(t, "root", psUser(0, users))
	assert.Equal(t, "systemd+", psUser(101, users))
	assert.Equal(t, "1000", psUser(1000, users))

	assert.Equal(t, "?", psTTY(0))
	assert.Equal(t, "pts/0", psTTY(136<<8))
	assert.Equal(t, "pts/300", psTTY(137<<8|44))
	assert.Equal(t, "pts/1024", psTTY(136<<8|(1024&0xff)|(1024&^0xff)<<12))
	assert.Equal(t, "tty1", psTTY(4<<8|1))
	assert.Equal(t, "?", hostTTY(136<<8|(1000000&0xff)|(1000000&^0xff)<<12), "no such terminal on the host")
	assert.Equal(t, "ttyS0", psTTY(4<<8|64))

	assert.Equal(t, "00:00:00", psTime(99))
	assert.Equal(t, "00:01:05", psTime(6500))
	assert.Equal(t, "2-01:00:00", psTime(100*(2*86400+3600)))

	assert.Equal(t, "[kworker/0:1]", psCmd(ProcessInfo{Comm: "kworker/0:1"}))
	assert.Equal(t, "[sh] <defunct>", psCmd(ProcessInfo{Comm: "sh", Zombie: true}))
}

func TestPsCIsLifetimeCPUCappedAt99(t *testing.T) {
	c := clock{uptime: 1000}
	assert.Equal(t, uint64(50), psC(ProcessInfo{StartTicks: 100 * 900, CPUTicks: 100 * 50}, c))
	assert.Equal(t, uint64(99), psC(ProcessInfo{StartTicks: 100 * 900, CPUTicks: 100 * 400}, c))
	assert.Equal(t, uint64(0), psC(ProcessInfo{StartTicks: 100 * 1000, CPUTicks: 5}, c), "born this second")
}

func TestPsSTimeIsTimeTodayElseDayElseYear(t *testing.T) {
	boot := time.Date(2025, 12, 30, 10, 0, 0, 0, time.Local)
	started := func(now time.Time, after time.Duration) string {
		return psSTime(ProcessInfo{StartTicks: uint64(after/time.Second) * 100}, clock{now: now, boot: boot})
	}
	assert.Equal(t, "10:05", started(boot.Add(time.Hour), 5*time.Minute))
	assert.Equal(t, "Dec30", started(boot.Add(25*time.Hour), 5*time.Minute))
	assert.Equal(t, "2025", started(boot.Add(72*time.Hour), 5*time.Minute))
}

func TestUserNamesTakesTheFirstNameOfAUID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "passwd")
	assert.NoError(t, os.WriteFile(path, []byte("root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\nbad\nweb:x:33:33::/:/bin/false\n"), 0o644))
	assert.Equal(t, map[int]string{0: "root", 33: "web"}, userNames(path))
	assert.Empty(t, userNames(filepath.Join(t.TempDir(), "none")))
}
