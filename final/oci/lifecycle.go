package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
	"github.com/mydocker/mydocker/final/cgroups/fscommon"
)

// Start lets a created container's init execute its program: opening the
// exec fifo for reading releases init's write-open. Then the poststart
// hooks run; one that fails stops the container (runtime.md#lifecycle).
func (c *Container) Start() error {
	if st := c.Status(); st != specs.StateCreated {
		return fmt.Errorf("cannot start a container that is %s", st)
	}
	// init holds the fifo open for reading: with it gone, the open fails
	// (ENXIO) rather than waiting.
	fd, err := unix.Open(c.fifo(), unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENXIO) {
		return errors.New("the container's init exited before it started its program")
	}
	if err != nil {
		return fmt.Errorf("open the exec fifo: %w", err)
	}
	_, err = unix.Write(fd, []byte{0})
	unix.Close(fd)
	if err != nil {
		return fmt.Errorf("write the exec fifo: %w", err)
	}
	if err := os.Remove(c.fifo()); err != nil {
		return fmt.Errorf("remove the exec fifo: %w", err)
	}
	logrus.WithField("pid", c.Pid).Debug("start: init released, it runs the program")
	if h := c.Spec.Hooks; h != nil && len(h.Poststart) > 0 {
		st := c.State()
		st.Status = specs.StateRunning
		// A poststart hook's failure is logged; the container goes on
		// (runtime.md#lifecycle).
		if err := runHooks("poststart", h.Poststart, st); err != nil {
			logrus.WithError(err).Warn("poststart hook failed")
		}
	}
	return nil
}

// Kill sends sig to init, or with all to every process of the container.
// A container that is neither created nor running cannot be signalled.
func (c *Container) Kill(sig syscall.Signal, all bool) error {
	st := c.Status()
	if st == specs.StateStopped {
		return ErrNotRunning
	}
	if !all {
		return c.signal(sig)
	}
	pids, err := cgroups.PidsIn(c.Cgroup)
	if err != nil && c.alive() {
		// The cgroup is gone (init moved itself out of it, and it was
		// removed): init at least gets the signal.
		return c.signal(sig)
	}
	if err != nil {
		return fmt.Errorf("list the container's processes: %w", err)
	}
	// A frozen process handles no signal until thawed; SIGKILL works.
	for _, pid := range pids {
		if err := unix.Kill(pid, sig); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("signal %d: %w", pid, err)
		}
	}
	if !slices.Contains(pids, c.Pid) {
		// init has left the cgroup: it is the container's all the same.
		_ = c.signal(sig)
	}
	if st == "paused" && sig == unix.SIGKILL {
		_ = cgroups.Freeze(c.Cgroup, false)
	}
	return nil
}

// Delete removes a stopped container: its poststop hooks run, then its
// cgroup and state go. With force a container in any state is killed
// first; without, one that is not stopped is an error and left alone.
func (c *Container) Delete(force bool) error {
	st := c.Status()
	if st != specs.StateStopped {
		if !force {
			return fmt.Errorf("cannot delete a container that is %s (stop it first, or --force)", st)
		}
		_ = c.Kill(unix.SIGKILL, len(c.Cgroup) > 0)
		if !c.waitGone(10 * time.Second) {
			return errors.New("the container's init did not exit after SIGKILL")
		}
	}
	c.removeCgroup()
	var hookErr error
	if h := c.Spec.Hooks; h != nil && len(h.Poststop) > 0 {
		state := c.State()
		state.Status = specs.StateStopped
		// A poststop hook's failure is logged, and the delete goes on.
		if hookErr = runHooks("poststop", h.Poststop, state); hookErr != nil {
			logrus.WithError(hookErr).Warn("poststop hook failed")
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("remove the container's state: %w", err)
	}
	return nil
}

// Pause freezes every process of the container; Resume thaws them.
func (c *Container) Pause() error {
	if st := c.Status(); st != specs.StateRunning {
		return fmt.Errorf("cannot pause a container that is %s", st)
	}
	return cgroups.Freeze(c.Cgroup, true)
}

func (c *Container) Resume() error {
	if st := c.Status(); st != "paused" {
		return fmt.Errorf("cannot resume a container that is %s", st)
	}
	return cgroups.Freeze(c.Cgroup, false)
}

func (c *Container) frozen() bool { return cgroups.Frozen(c.Cgroup) }

// Pids lists the container's processes, from its cgroup.
func (c *Container) Pids() ([]int, error) {
	if c.Status() == specs.StateStopped {
		return nil, nil
	}
	return cgroups.PidsIn(c.Cgroup)
}

// removeDirWhenEmpty removes a cgroup once its last process is gone,
// with the cgroups below it (exec --cgroup's, the container's own), and
// our default parent (mydocker-runc) when no other container is in it.
func removeDirWhenEmpty(dir string) error {
	if err := removeTree(dir); err != nil {
		return err
	}
	if parent := filepath.Dir(dir); strings.HasSuffix(parent, "/mydocker-runc") {
		fscommon.RemoveParent(parent)
	}
	return nil
}

// removeTree removes the cgroup dir, the ones below it first.
func removeTree(dir string) error {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			if err := removeTree(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return fscommon.RemoveDir(dir)
}
