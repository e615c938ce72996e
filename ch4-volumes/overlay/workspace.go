package overlay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"
)

// Workspace is the writable filesystem of the container: the book's single
// workspace, so one container at a time (chapter 5 gives each its own).
type Workspace struct {
	Path string // <root>/overlay, the only one
}

// Dir holds the run's layers.
func (w Workspace) Dir() string { return w.Path }

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
// mounts the overlay of lower and upper on merged. The id is written
// first, before anything is mounted: a run killed at any later point leaves
// a workspace that names its run. On failure it removes what it made.
func (w Workspace) Create(id, lower string) (err error) {
	// Only root may enter: the upper layer can hold setuid binaries that
	// the container made, which no other user of the host may run.
	if err := os.MkdirAll(w.Dir(), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", w.Dir(), err)
	}
	defer func() {
		if err != nil {
			_ = w.Remove()
		}
	}()
	if err := os.WriteFile(w.idPath(), []byte(id), 0o600); err != nil {
		return fmt.Errorf("record the run: %w", err)
	}
	if err := makePrivateMount(w.Dir()); err != nil {
		return err
	}
	// upper's mode is that of the container's "/": 0755, as in an image.
	// work is overlayfs's own.
	for _, dir := range []string{w.Upper(), w.Merged()} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	if err := os.Mkdir(w.Work(), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", w.Work(), err)
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, w.Upper(), w.Work())
	if err := unix.Mount("overlay", w.Merged(), "overlay", 0, opts); err != nil {
		return fmt.Errorf("mount overlay on %s: %w", w.Merged(), err)
	}
	return nil
}

// makePrivateMount binds dir onto itself and makes that mount private.
// systemd makes "/" a shared mount, and a mount made below a shared one is
// shared too: it would be copied to every peer of "/" (other mount
// namespaces), and mounts made on top of it later would follow
// (mount_namespaces(7)). Below a private mount, ours stay ours.
func makePrivateMount(dir string) error {
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind %s onto itself: %w", dir, err)
	}
	if err := unix.Mount("", dir, "", unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make %s a private mount: %w", dir, err)
	}
	return nil
}

// LeftoverID returns the id of the run that a workspace was left by, or ""
// when it holds none (a run killed before it wrote it); found says whether
// there is a workspace at all.
func (w Workspace) LeftoverID() (id string, found bool) {
	if _, err := os.Stat(w.Dir()); err != nil {
		return "", false
	}
	b, _ := os.ReadFile(w.idPath())
	return strings.TrimSpace(string(b)), true
}

// Remove unmounts the overlay and the workspace's own mount, deepest
// first, then removes the run's directories. The volumes are not in the
// host's mount table (init binds them in the container's namespace, and
// they vanish with it); still every mount found below the workspace is
// unmounted and checked in the kernel's mount table before anything is
// deleted, and the removal itself stops at any mount point it meets:
// removing through a mount would delete what it shows, a volume's host
// data, as the book's code could. So when an unmount fails, Remove says
// so and deletes nothing.
func (w Workspace) Remove() error {
	mounts, err := mountsUnder(w.Dir())
	if err != nil {
		return err
	}
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
	return removeAll(w.Dir())
}

// mountsUnder lists the mount points at or below dir, deepest first, from
// /proc/self/mountinfo. dir must have no symlink in it (main resolves
// --root): the kernel's table holds resolved paths.
func mountsUnder(dir string) ([]string, error) {
	infos, err := mountinfo.GetMounts(mountinfo.PrefixFilter(dir))
	if err != nil {
		return nil, fmt.Errorf("read mountinfo: %w", err)
	}
	var found []string
	for _, info := range infos {
		found = append(found, info.Mountpoint)
	}
	// Longest path first is deepest first; stacked mounts keep their order.
	sort.SliceStable(found, func(i, j int) bool { return len(found[i]) > len(found[j]) })
	return found, nil
}

// IsMounted reports whether something is mounted on dir, as the kernel
// sees it (openat2 with RESOLVE_NO_XDEV, which also catches a bind mount).
// A directory that does not exist is not mounted.
func IsMounted(dir string) (bool, error) {
	mounted, err := mountinfo.Mounted(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return mounted, err
}
