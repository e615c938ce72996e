package monitor

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// logged is an exited container of a store of the test's own, whose log
// the test writes.
func logged(t *testing.T) *state.Container {
	t.Helper()
	st := &state.Container{ID: state.NewID(), Created: time.Now(), Status: state.Exited}
	require.NoError(t, state.Store{Root: t.TempDir()}.Create(st))
	return st
}

func TestLogFileKeepsLinesStreamsAndTimes(t *testing.T) {
	st := logged(t)
	l, err := openLogFile(st.LogPath(), container.DefaultLogOptions)
	require.NoError(t, err)
	l.write("stdout", []byte("one\ntw"))
	l.write("stderr", []byte("err\n"))
	l.write("stdout", []byte("o\nno newline"))
	l.close()

	var out, errs bytes.Buffer
	require.NoError(t, container.Logs(st, &out, &errs, container.LogsOptions{Tail: -1}))
	assert.Equal(t, "one\ntwo\nno newline", out.String(), "a line cut in two reads is one line; the last is kept at the end")
	assert.Equal(t, "err\n", errs.String(), "stderr stays stderr")

	out.Reset()
	require.NoError(t, container.Logs(st, &out, &out, container.LogsOptions{Tail: 2}))
	assert.Equal(t, "two\nno newline", out.String())

	out.Reset()
	require.NoError(t, container.Logs(st, &out, &out, container.LogsOptions{Tail: 0}))
	assert.Empty(t, out.String())

	out.Reset()
	require.NoError(t, container.Logs(st, &out, &out, container.LogsOptions{Tail: 1, Timestamps: true}))
	stamp, line, _ := strings.Cut(out.String(), " ")
	assert.Equal(t, "no newline", line)
	assert.Len(t, stamp, len("2026-12-01T13:00:00.123456789Z"), "nine digits of nanoseconds, as docker")
}

func TestLogFileRotatesAndDropsTheOldest(t *testing.T) {
	st := logged(t)
	l, err := openLogFile(st.LogPath(), container.LogOptions{MaxSize: 1000, MaxFiles: 3})
	require.NoError(t, err)
	for i := 0; i < 200; i++ {
		l.write("stdout", []byte(strings.Repeat("x", 40)+"\n"))
	}
	l.write("stdout", []byte("last\n"))
	l.close()

	files, _ := filepath.Glob(st.LogPath() + "*")
	assert.Len(t, files, 3, "container.log, .1 and .2: the older ones are gone")
	for _, f := range files {
		info, err := os.Stat(f)
		require.NoError(t, err)
		assert.LessOrEqual(t, info.Size(), int64(1000), f)
	}
	var out bytes.Buffer
	require.NoError(t, container.Logs(st, &out, &out, container.LogsOptions{Tail: 1}))
	assert.Equal(t, "last\n", out.String())
	out.Reset()
	require.NoError(t, container.Logs(st, &out, &out, container.LogsOptions{Tail: -1}))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	assert.Less(t, len(lines), 201, "what was rotated away is gone")
	assert.Equal(t, "last", lines[len(lines)-1], "in order across the files")
}

func TestLogFileCutsVeryLongLines(t *testing.T) {
	dir := t.TempDir()
	l, err := openLogFile(filepath.Join(dir, "log"), container.DefaultLogOptions)
	require.NoError(t, err)
	l.write("stdout", bytes.Repeat([]byte("y"), maxLogLine*2+10))
	l.close()
	data, err := os.ReadFile(filepath.Join(dir, "log"))
	require.NoError(t, err)
	assert.Equal(t, 3, bytes.Count(data, []byte("\n")), "16 KB, 16 KB, and the rest at the end")
}

func TestScanDetach(t *testing.T) {
	keys := DetachKeys
	out, held, detach := scanDetach([]byte("ab\x10"), nil, keys)
	assert.Equal(t, "ab", string(out))
	assert.Equal(t, "\x10", string(held), "a ctrl-p is held until we know what follows")
	assert.False(t, detach)

	out, held, detach = scanDetach([]byte("\x11"), held, keys)
	assert.Empty(t, out)
	assert.True(t, detach, "ctrl-p then ctrl-q, across two reads")

	out, held, detach = scanDetach([]byte("\x10x\x10\x10"), nil, keys)
	assert.Equal(t, "\x10x\x10", string(out), "a ctrl-p not followed by ctrl-q goes through")
	assert.Equal(t, "\x10", string(held))
	assert.False(t, detach)

	out, _, _ = scanDetach([]byte("\x10\x11"), nil, nil)
	assert.Equal(t, "\x10\x11", string(out), "no keys: nothing detaches")
}
