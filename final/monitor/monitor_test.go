package monitor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/internal/testutil"
	"github.com/mydocker/mydocker/final/seccomp"
	"github.com/mydocker/mydocker/final/security"
	"github.com/mydocker/mydocker/final/state"
)

// TestMain lets this test binary be what a library user's binary is: a
// main that serves "monitor" (Serve) and "init" (the container's init),
// since Start re-executes /proc/self/exe, which here is the test.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "monitor":
			if err := Serve(); err != nil {
				os.Exit(125)
			}
			os.Exit(0)
		case "init":
			var reported *initproc.ReportedError
			if err := initproc.Run(); errors.As(err, &reported) {
				os.Exit(reported.Code)
			}
			os.Exit(125)
		}
	}
	os.Exit(m.Run())
}

// busybox is a run of the busybox image (BUSYBOX_TAR, or the host's
// static busybox) under a state root of the test's own, which the test
// finds empty of containers and mounts at its end.
func busybox(t *testing.T, command ...string) container.RunOptions {
	testutil.RequireRoot(t)
	root := t.TempDir()
	tarball := os.Getenv("BUSYBOX_TAR")
	if tarball == "" {
		testutil.BusyboxImage(t, root)
		tarball = filepath.Join(root, "images", "busybox.tar")
	}
	f, err := os.Open(tarball)
	require.NoError(t, err)
	defer f.Close()
	images := image.Store{Root: root}
	img, err := images.Import(f, "busybox", nil)
	require.NoError(t, err)
	t.Cleanup(func() { assertNothingLeft(t, root) })
	return container.RunOptions{
		Root: root, Image: "busybox", ImageID: img.ID, Layers: images.Lowers(img),
		Command: command, Log: container.DefaultLogOptions,
	}
}

// defaultSeccomp is the seccomp program of a container with the default
// security options, which Start's caller compiles (mydocker's CLI does).
func defaultSeccomp(t *testing.T, root string) []byte {
	caps, err := security.Capabilities(nil, nil, false)
	require.NoError(t, err)
	prog, _, err := seccomp.Program(root, "", caps)
	require.NoError(t, err)
	return prog
}

// exitedAndGone waits for the container's exit code and for its monitor
// to exit, then removes it: what rm after wait does.
func exitedAndGone(t *testing.T, root, id string) int {
	store := state.Store{Root: root}
	st, err := store.Find(id)
	require.NoError(t, err)
	code, err := container.Wait(store, st)
	require.NoError(t, err)
	require.NotNil(t, code)
	monitorGone(t, st.Owner)
	st, err = store.Find(id)
	require.NoError(t, err)
	require.NoError(t, container.Remove(store, st, false, false))
	return *code
}

// monitorGone waits for the monitor process to have exited.
func monitorGone(t *testing.T, owner state.Process) {
	deadline := time.Now().Add(30 * time.Second)
	for owner.Alive() {
		require.True(t, time.Now().Before(deadline), "the monitor %d is still there", owner.PID)
		time.Sleep(10 * time.Millisecond)
	}
}

// assertNothingLeft: no container, no mount under root, no cgroup.
func assertNothingLeft(t *testing.T, root string) {
	states, err := state.Store{Root: root}.List()
	assert.NoError(t, err)
	assert.Empty(t, states, "no container is left")
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	require.NoError(t, err)
	assert.NotContains(t, string(mounts), root, "no mount is left under the root")
	assert.Empty(t, othersOfUs(), "no monitor or init of ours is left")
}

// othersOfUs are the processes of this test binary other than itself:
// a monitor or a container's init that outlived its test.
func othersOfUs() []string {
	self, _ := os.Readlink("/proc/self/exe")
	var others []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		exe, err := os.Readlink(dir + "/exe")
		if err == nil && exe == self && filepath.Base(dir) != strconv.Itoa(os.Getpid()) {
			others = append(others, dir)
		}
	}
	return others
}

// cgroupExists reports whether a cgroup of the container id, or of its
// monitor, is in any hierarchy.
func cgroupExists(id string) bool {
	for _, pattern := range []string{"/sys/fs/cgroup/mydocker/*" + id, "/sys/fs/cgroup/*/mydocker/*" + id} {
		if found, _ := filepath.Glob(pattern); len(found) > 0 {
			return true
		}
	}
	return false
}

func TestStartDetachedReportsTheIDAndTheMonitorRecordsTheExit(t *testing.T) {
	opts := busybox(t, "sh", "-c", "exit 3")
	opts.Detach = true

	started, err := Start(Options{Run: &opts, Seccomp: defaultSeccomp(t, opts.Root)})

	require.NoError(t, err)
	assert.Nil(t, started.Conn, "no connection without Attach")
	assert.Regexp(t, "^[0-9a-f]{64}$", started.ID)
	assert.Equal(t, 3, exitedAndGone(t, opts.Root, started.ID), "the monitor recorded the exit code")
	assert.False(t, cgroupExists(started.ID), "no cgroup of the container or its monitor is left")
}

func TestStartAttachedStreamsFromTheFirstByte(t *testing.T) {
	opts := busybox(t, "sh", "-c", "echo hello; echo oops >&2; exit 7")

	started, err := Start(Options{Run: &opts, Attach: true, Seccomp: defaultSeccomp(t, opts.Root)})
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	status, err := Stream(started.Conn, AttachOptions{Stdout: &stdout, Stderr: &stderr})

	require.NoError(t, err)
	assert.Equal(t, 7, status)
	assert.Equal(t, "hello\n", stdout.String())
	assert.Equal(t, "oops\n", stderr.String())
	assert.Equal(t, 7, exitedAndGone(t, opts.Root, started.ID))
	assert.False(t, cgroupExists(started.ID))
}

func TestStartOfACommandThatDoesNotExistIs127(t *testing.T) {
	opts := busybox(t, "mydocker-no-such-command")
	opts.Detach = true

	_, err := Start(Options{Run: &opts, Seccomp: defaultSeccomp(t, opts.Root)})

	var failed *StartError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, 127, failed.ExitCode(), "as in a shell")
	assert.Contains(t, failed.Error(), "mydocker-no-such-command")
	// Kept, exited, as docker keeps it.
	states, err := state.Store{Root: opts.Root}.List()
	require.NoError(t, err)
	require.Len(t, states, 1)
	assert.Equal(t, 127, exitedAndGone(t, opts.Root, states[0].ID))
	assert.False(t, cgroupExists(states[0].ID))
}

func TestStartOfACreatedContainer(t *testing.T) {
	opts := busybox(t, "sh", "-c", "echo again; exit 5")
	st, err := container.Create(opts)
	require.NoError(t, err)

	started, err := Start(Options{Start: st.ID, Root: opts.Root, Attach: true, Seccomp: defaultSeccomp(t, opts.Root)})
	require.NoError(t, err)
	var out bytes.Buffer
	status, err := Stream(started.Conn, AttachOptions{Stdout: &out, Stderr: &out})

	require.NoError(t, err)
	assert.Equal(t, 5, status)
	assert.Equal(t, "again\n", out.String())
	assert.Equal(t, st.ID, started.ID)
	assert.Equal(t, 5, exitedAndGone(t, opts.Root, st.ID))
	assert.False(t, cgroupExists(st.ID))
}

func TestStartWithRemoveLeavesNothing(t *testing.T) {
	opts := busybox(t, "sh", "-c", "exit 0") // the fallback image has sh, not true
	opts.AutoRemove = true

	started, err := Start(Options{Run: &opts, Attach: true, Seccomp: defaultSeccomp(t, opts.Root)})
	require.NoError(t, err)
	status, err := Stream(started.Conn, AttachOptions{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}})

	require.NoError(t, err)
	assert.Equal(t, 0, status)
	deadline := time.Now().Add(30 * time.Second)
	for {
		states, err := state.Store{Root: opts.Root}.List()
		require.NoError(t, err)
		if len(states) == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "--rm removed it")
		time.Sleep(10 * time.Millisecond)
	}
	// The monitor removes its cgroup as it exits, after the container.
	for cgroupExists(started.ID) || len(othersOfUs()) > 0 {
		require.True(t, time.Now().Before(deadline), "the monitor is gone with its cgroup")
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartWithoutTheSeccompProgramFailsAndLeavesNothing(t *testing.T) {
	// A caller that did not compile the program the container asks for:
	// the monitor refuses to start it unconfined, and init, waiting at
	// the start barrier, is sent away (the monitor used to wait for it
	// forever).
	opts := busybox(t, "sh", "-c", "exit 0")
	opts.Detach = true

	_, err := Start(Options{Run: &opts})

	var failed *StartError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, 125, failed.ExitCode())
	assert.Contains(t, failed.Error(), "seccomp program")
	states, err := state.Store{Root: opts.Root}.List()
	require.NoError(t, err)
	assert.Empty(t, states, "no half-made container")
	deadline := time.Now().Add(30 * time.Second)
	for len(othersOfUs()) > 0 {
		require.True(t, time.Now().Before(deadline), "the monitor and init are gone")
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartWantsOneContainer(t *testing.T) {
	_, err := Start(Options{})
	assert.ErrorContains(t, err, "want a container")
	_, err = Start(Options{Run: &container.RunOptions{}, Start: "x"})
	assert.ErrorContains(t, err, "want a container")
}

func TestAMonitorWithoutARequestFailsAndMakesNothing(t *testing.T) {
	// The caller killed before it sent the request: the monitor reads EOF.
	o := Options{Args: []string{os.Args[0], "monitor"}}
	cmd := command(o)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	report, reportW, err := os.Pipe()
	require.NoError(t, err)
	cmd.ExtraFiles = []*os.File{r, reportW}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	r.Close()
	reportW.Close()
	w.Close()
	err = cmd.Wait()
	report.Close()
	assert.Error(t, err, "exit 125")
}
