package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/sys/mountinfo"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/state"
)

// A build's scratch directory, <root>/build/tmp-PID-START-RANDOM, is
// named for the process that owns it, with that process's start time
// (pid reuse), as containers name their monitors: a build killed with
// kill -9 never removes it, and Tidy, in the next build or prune, tells
// a dead owner's from a live one's without asking it. Everything a build
// makes on the side lives there (the context unpacked from a tar, the
// overlays it reads images through), and its RUN containers carry its
// name in buildLabel.
const (
	tmpPrefix  = "tmp-"
	buildLabel = "io.mydocker.build"
)

// TempDir makes the scratch directory of a build run by this process.
func TempDir(root string) (string, error) {
	dir := filepath.Join(root, "build")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	me, err := state.ProcessOf(os.Getpid())
	if err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, fmt.Sprintf("%s%d-%d-", tmpPrefix, me.PID, me.Start))
	if err != nil {
		return "", fmt.Errorf("build: %w", err)
	}
	return tmp, nil
}

// RemoveTemp removes a build's scratch directory at its end.
func RemoveTemp(dir string) {
	if err := removeScratch(dir); err != nil {
		logrus.WithError(err).Warn("remove the build's scratch directory")
	}
}

// ownerOf reads the owner from a scratch directory's name; ok is false
// for a name that is no build's.
func ownerOf(name string) (p state.Process, ok bool) {
	rest, found := strings.CutPrefix(name, tmpPrefix)
	parts := strings.SplitN(rest, "-", 3)
	if !found || len(parts) != 3 || parts[2] == "" {
		return p, false
	}
	pid, err1 := strconv.Atoi(parts[0])
	start, err2 := strconv.ParseUint(parts[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return p, false
	}
	return state.Process{PID: pid, Start: start}, true
}

// deadOwner tells whether name is a build's whose process is gone.
func deadOwner(name string) bool {
	p, ok := ownerOf(name)
	return ok && !p.Alive()
}

// Tidy removes what builds killed before their end left: their RUN
// containers, then their scratch directories, whatever is mounted under
// them detached first. What a build that still runs has is left alone.
// Failures are logged: they only leave garbage for the next Tidy.
func Tidy(root string) {
	dir := filepath.Join(root, "build")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var dead []string
	for _, e := range entries {
		if e.IsDir() && deadOwner(e.Name()) {
			dead = append(dead, filepath.Join(dir, e.Name()))
		}
	}
	if len(dead) == 0 {
		// A build makes its directory before any container and removes
		// it last: without a dead one's, there is no container to look
		// for (and a build in a root of many containers stays quick).
		return
	}
	tidyContainers(root)
	for _, d := range dead {
		if err := removeScratch(d); err != nil {
			logrus.WithError(err).Warn("remove what a killed build left")
		}
	}
}

// tidyContainers removes the RUN containers of dead builds (a kill
// during a RUN leaves its container, running on or exited).
func tidyContainers(root string) {
	store := state.Store{Root: root}
	list, err := store.List()
	if err != nil {
		return
	}
	for _, st := range list {
		if owner := st.Config.Labels[buildLabel]; owner != "" && deadOwner(owner) {
			if err := container.Remove(store, st, true, true); err != nil {
				logrus.WithError(err).WithField("container", st.Name).Warn("remove a killed build's container")
			}
		}
	}
}

// removeScratch removes a build's scratch directory: first the mounts
// under it (the read-only overlay a kill may catch attached, on kernels
// without the new mount API), detached lazily and without following a
// symlink, deepest first; then the files, stopping at any mount point
// that is still there rather than deleting through it.
func removeScratch(dir string) error {
	mounts, err := mountinfo.GetMounts(mountinfo.PrefixFilter(dir))
	if err != nil {
		return fmt.Errorf("read mountinfo: %w", err)
	}
	// Longest path first is deepest first.
	sort.SliceStable(mounts, func(i, j int) bool { return len(mounts[i].Mountpoint) > len(mounts[j].Mountpoint) })
	for _, info := range mounts {
		m := info.Mountpoint
		if err := unix.Unmount(m, unix.MNT_DETACH|unix.UMOUNT_NOFOLLOW); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("unmount %s: %w", m, err)
		}
	}
	if err := overlay.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}
