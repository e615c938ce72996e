package overlay

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Workspace is the writable filesystem of the container: the book's single
// workspace, so one container at a time (chapter 5 gives each its own).
type Workspace struct {
	Root string // mydocker's --root
}

// Dir holds the run's layers: <root>/overlay.
func (w Workspace) Dir() string { return filepath.Join(w.Root, "overlay") }

// Upper is where the container's changes go.
func (w Workspace) Upper() string { return filepath.Join(w.Dir(), "upper") }

// Work is overlayfs's scratch directory.
func (w Workspace) Work() string { return filepath.Join(w.Dir(), "work") }

// Merged is the mount point of the union: the container's root.
func (w Workspace) Merged() string { return filepath.Join(w.Dir(), "merged") }

// idPath records which run the workspace belongs to, so that the next run
// can clean up after one that was killed.
func (w Workspace) idPath() string { return filepath.Join(w.Dir(), "id") }

// Create makes fresh upper, work and merged directories for run id and
// mounts the overlay of lower and upper on merged. On failure it removes
// what it made.
func (w Workspace) Create(id, lower string) (err error) {
	for _, dir := range []string{w.Upper(), w.Work(), w.Merged()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(w.Dir())
		}
	}()
	if err := os.WriteFile(w.idPath(), []byte(id), 0o644); err != nil {
		return fmt.Errorf("record the run: %w", err)
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, w.Upper(), w.Work())
	if err := unix.Mount("overlay", w.Merged(), "overlay", 0, opts); err != nil {
		return fmt.Errorf("mount overlay on %s: %w", w.Merged(), err)
	}
	return nil
}

// LeftoverID returns the id of the run that a workspace was left by, or ""
// when there is no workspace.
func (w Workspace) LeftoverID() (string, bool) {
	if _, err := os.Stat(w.Dir()); err != nil {
		return "", false
	}
	id, _ := os.ReadFile(w.idPath())
	return strings.TrimSpace(string(id)), true
}

// Remove unmounts the volumes and the overlay, then removes the run's
// directories. Every unmount is checked in /proc/self/mountinfo before
// anything is deleted: removing through a volume that is still mounted
// would delete the user's data on the host (spec B14). So when an unmount
// fails, Remove stops and says so, and deletes nothing.
func (w Workspace) Remove() error {
	mounts, err := mountsUnder(w.Dir())
	if err != nil {
		return err
	}
	// Deepest first: the volumes sit on the overlay.
	for _, dir := range mounts {
		if err := unix.Unmount(dir, 0); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("unmount %s: %w; nothing removed, %s is left as it is", dir, err, w.Dir())
		}
	}
	if left, err := mountsUnder(w.Dir()); err != nil || len(left) > 0 {
		if err == nil {
			err = fmt.Errorf("%s still mounted", strings.Join(left, ", "))
		}
		return fmt.Errorf("unmount the workspace: %w; nothing removed", err)
	}
	if err := os.RemoveAll(w.Dir()); err != nil {
		return fmt.Errorf("remove %s: %w", w.Dir(), err)
	}
	return nil
}

// Volumes lists the mount points of the volumes in the running
// container's root, as the host sees them.
func (w Workspace) Volumes() ([]string, error) {
	mounts, err := mountsUnder(w.Merged())
	if err != nil {
		return nil, err
	}
	var volumes []string
	for _, m := range mounts {
		if m != w.Merged() {
			volumes = append(volumes, m)
		}
	}
	return volumes, nil
}

// mountsUnder lists the mount points at or below dir, deepest first.
func mountsUnder(dir string) ([]string, error) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	return mountPointsUnder(string(b), dir), nil
}

func mountPointsUnder(mountinfo, dir string) []string {
	var found []string
	for _, line := range strings.Split(mountinfo, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 5 {
			continue
		}
		mp := unescapeOctal(fields[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			found = append(found, mp)
		}
	}
	// Longest path first is deepest first; stacked mounts keep their order.
	sort.SliceStable(found, func(i, j int) bool { return len(found[i]) > len(found[j]) })
	return found
}

// IsMounted reports whether something is mounted on dir, from
// /proc/self/mountinfo (field 5 is the mount point, with spaces and
// other odd bytes escaped in octal).
func IsMounted(dir string) (bool, error) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false, fmt.Errorf("read mountinfo: %w", err)
	}
	return isMountPoint(string(b), dir), nil
}

func isMountPoint(mountinfo, dir string) bool {
	for _, line := range strings.Split(mountinfo, "\n") {
		fields := strings.Fields(line)
		if len(fields) > 4 && unescapeOctal(fields[4]) == dir {
			return true
		}
	}
	return false
}

// unescapeOctal undoes mountinfo's \040-style escapes.
func unescapeOctal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if c, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(c))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
