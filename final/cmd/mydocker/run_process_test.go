package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/state"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(name, []byte(body), 0o600))
	return name
}

func TestReadEnvFiles(t *testing.T) {
	t.Setenv("FROMHOST", "h")
	f := writeFile(t, "\xEF\xBB\xBFA=1\n# c\n\n  B= two \nFROMHOST\nUNSET_X_Y\nC=a=b\n")
	env, err := readEnvFiles([]string{f})
	require.NoError(t, err)
	assert.Equal(t, []string{"A=1", "B= two ", "FROMHOST=h", "C=a=b"}, env)

	for name, body := range map[string]string{
		"space in name": "A B=1\n",
		"no name":       "=1\n",
		"not utf-8":     "A=\xff\n",
	} {
		_, err := readEnvFiles([]string{writeFile(t, body)})
		assert.Error(t, err, name)
	}
	_, err = readEnvFiles([]string{filepath.Join(t.TempDir(), "missing")})
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestReadLabels(t *testing.T) {
	f := writeFile(t, "a=file\nalone\nb=file\n")
	labels, err := readLabels([]string{f}, []string{"b=flag", "c", "d=x=y"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "file", "b": "flag", "c": "", "d": "x=y"}, labels)
	for _, bad := range []string{"=v", "", "a b=1"} {
		_, err := readLabels(nil, []string{bad})
		assert.Error(t, err, bad)
	}
}

func TestParseStopTimeout(t *testing.T) {
	for s, want := range map[string]int{"0": 0, "5": 5, "-1": -1} {
		got, err := parseStopTimeout(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got)
	}
	for _, bad := range []string{"", "x", "1.5", "1s"} {
		_, err := parseStopTimeout(bad)
		assert.Error(t, err, bad)
	}
}

func TestImageProcess(t *testing.T) {
	ten := 10
	var c state.Config
	given := state.Config{Labels: map[string]string{"b": "flag"}, StopTimeout: &ten}
	img := v1.Config{StopSignal: "SIGQUIT", Labels: map[string]string{"a": "img", "b": "img"}}
	require.NoError(t, imageProcess("x", img, given, &c))
	assert.Equal(t, "SIGQUIT", c.StopSignal)
	assert.Equal(t, map[string]string{"a": "img", "b": "flag"}, c.Labels)
	assert.Equal(t, &ten, c.StopTimeout)

	given.StopSignal = "USR1" // --stop-signal wins, even over a bad image value
	require.NoError(t, imageProcess("x", v1.Config{StopSignal: "nonsense"}, given, &c))
	assert.Equal(t, "USR1", c.StopSignal)

	for _, bad := range []string{"SIGBOGUS", "99", "RTMIN+99", "-1", "SIG", "\x00"} {
		err := imageProcess("x", v1.Config{StopSignal: bad}, state.Config{}, &c)
		assert.ErrorContains(t, err, "STOPSIGNAL", bad)
	}
}

func TestParseUlimits(t *testing.T) {
	got, err := parseUlimits([]string{"nofile=10:20", "core=-1", "nofile=30", "nproc=5:-1"})
	require.NoError(t, err)
	assert.Equal(t, []state.Ulimit{{Name: "core", Soft: -1, Hard: -1}, {Name: "nofile", Soft: 30, Hard: 30}, {Name: "nproc", Soft: 5, Hard: -1}}, got)
	for _, bad := range []string{"nofile", "nofiles=1", "nofile=x", "nofile=2:1", "nofile=1:2:3", "nofile=-1:5", "as=1", ""} {
		_, err := parseUlimits([]string{bad})
		assert.Error(t, err, bad)
	}
}

func TestParseShmSize(t *testing.T) {
	for s, want := range map[string]int64{"64m": 64 << 20, "1g": 1 << 30, "512k": 512 << 10, "1000": 1000, "0": 0} {
		got, err := parseShmSize(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for _, bad := range []string{"", "lots", "-1", "1x"} {
		_, err := parseShmSize(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseMemorySwap(t *testing.T) {
	got, err := parseMemorySwap("-1", 0)
	require.NoError(t, err)
	assert.Equal(t, int64(-1), got)
	got, err = parseMemorySwap("1g", 512<<20)
	require.NoError(t, err)
	assert.Equal(t, int64(1<<30), got)
	_, err = parseMemorySwap("1g", 0)
	assert.ErrorContains(t, err, "always set the Memory limit")
	_, err = parseMemorySwap("256m", 512<<20)
	assert.ErrorContains(t, err, "larger than memory limit")
	_, err = parseMemorySwap("x", 512<<20)
	assert.Error(t, err)
}

func TestParseSysctls(t *testing.T) {
	got, err := parseSysctls([]string{"net.ipv4.ip_forward=1", "kernel.shmmax=5", "fs.mqueue.msg_max=9", "kernel.sem=1 2 3 4", "net.core.somaxconn="}, false, "")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"net.ipv4.ip_forward": "1", "kernel.shmmax": "5", "fs.mqueue.msg_max": "9", "kernel.sem": "1 2 3 4", "net.core.somaxconn": ""}, got)
	for _, bad := range []string{"vm.swappiness=1", "kernel.core_pattern=|x", "kernel.hostname=x", "net.ipv4.ip_forward", "net..x=1", "net.a/b=1", "net.x\x00=1", "=1", "kernel.shmmaxx=1"} {
		_, err := parseSysctls([]string{bad}, false, "")
		assert.Error(t, err, bad)
	}
	_, err = parseSysctls([]string{"net.ipv4.ip_forward=1"}, true, "")
	assert.ErrorContains(t, err, "--network host")
	assert.True(t, ownNetns([]string{"bridge", "mynet"}))
	assert.False(t, ownNetns([]string{"host"}))
	assert.False(t, ownNetns([]string{"container:db"}))
	got, err = parseSysctls([]string{"kernel.shmmax=5"}, true, "")
	require.NoError(t, err)
	assert.Len(t, got, 1)
	for _, key := range []string{"kernel.shmmax=5", "fs.mqueue.msg_max=9"} {
		for _, mode := range []string{"host", "container:" + strings.Repeat("a", 64)} {
			_, err = parseSysctls([]string{key}, false, mode)
			assert.ErrorContains(t, err, "--ipc host or container:NAME", key)
		}
	}
	got, err = parseSysctls([]string{"net.core.somaxconn=5"}, false, "host")
	require.NoError(t, err)
	assert.Len(t, got, 1)
}

func TestParsePlatform(t *testing.T) {
	host := "linux/" + runtime.GOARCH
	for in, want := range map[string]string{"": "", "linux": host, host: host, runtime.GOARCH: host, "LINUX/" + runtime.GOARCH: host, host + "/v2": host + "/v2"} {
		got, err := parsePlatform(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	other := "arm64"
	if runtime.GOARCH == "arm64" {
		other = "amd64"
	}
	for _, bad := range []string{"linux/" + other, "windows/" + runtime.GOARCH, "linux//", "a/b/c/d", "/"} {
		_, err := parsePlatform(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseDevices(t *testing.T) {
	got, err := parseDevices([]string{"/dev/zero", "/dev/zero:/dev/z", "/dev/zero:r", "/dev/zero:/dev/z:mw", "/dev/zero:/dev/../z"})
	require.NoError(t, err)
	assert.Equal(t, []state.Device{
		{PathOnHost: "/dev/zero", PathInContainer: "/dev/zero", CgroupPermissions: "rwm"},
		{PathOnHost: "/dev/zero", PathInContainer: "/dev/z", CgroupPermissions: "rwm"},
		{PathOnHost: "/dev/zero", PathInContainer: "/dev/zero", CgroupPermissions: "r"},
		{PathOnHost: "/dev/zero", PathInContainer: "/dev/z", CgroupPermissions: "mw"},
		{PathOnHost: "/dev/zero", PathInContainer: "/z", CgroupPermissions: "rwm"},
	}, got)
	for _, bad := range []string{"", ":/dev/z", "/dev/zero:rel", "/dev/zero:/dev/z:rwx", "/dev/zero:/dev/z:rr", "/dev/zero:/a:r:x", "/dev/nosuch", "/etc/passwd"} {
		_, err := parseDevices([]string{bad})
		assert.Error(t, err, bad)
	}
}
