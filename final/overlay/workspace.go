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

// Workspace is the writable filesystem of one container (book 5.7: each
// container has its own, under its directory).
type Workspace struct {
	Path string // <root>/containers/<id>/fs
}

// OpenUpper opens the container's writable layer: its changes alone.
func (w Workspace) OpenUpper() (*os.File, error) {
	f, err := os.Open(w.Upper())
	if err != nil {
		return nil, fmt.Errorf("open the container's changes: %w", err)
	}
	return f, nil
}

// HasUpper says whether the container has a writable layer yet: a
// container made by create has none until it starts (or cp writes into it).
func (w Workspace) HasUpper() bool {
	_, err := os.Lstat(w.Upper())
	return err == nil
}

// unstarted marks a writable layer made before the container ever ran
// (cp into a created container): its first start is still a first start.
func (w Workspace) unstarted() string { return filepath.Join(w.Dir(), "unstarted") }

// Unstarted says whether the writable layer was made by CreateUnstarted
// and the container has not started since.
func (w Workspace) Unstarted() bool {
	_, err := os.Lstat(w.unstarted())
	return err == nil
}

// CreateUnstarted is Create for a container that has never run, marked
// so that its first start still does what a first start does (fill its
// new volumes).
func (w Workspace) CreateUnstarted(layers []string) error {
	if err := w.Create(layers); err != nil {
		return err
	}
	if err := os.WriteFile(w.unstarted(), nil, 0o600); err != nil {
		_ = w.Unmount()
		return fmt.Errorf("mark %s: %w", w.Dir(), err)
	}
	return nil
}

// ClearUnstarted drops the mark once the container has started.
func (w Workspace) ClearUnstarted() error {
	if err := os.Remove(w.unstarted()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("unmark %s: %w", w.Dir(), err)
	}
	return nil
}

// empty is an empty directory that stands for the writable layer of a
// container that never ran.
func (w Workspace) empty() string { return filepath.Join(w.Dir(), "empty") }

// makeEmpty makes it, 0755: the root of a union takes its top layer's
// mode.
func (w Workspace) makeEmpty() error {
	if err := os.MkdirAll(w.Dir(), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", w.Dir(), err)
	}
	if err := os.Mkdir(w.empty(), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", w.empty(), err)
	}
	return nil
}

// OpenEmpty opens that empty directory: the changes of a container that
// never ran.
func (w Workspace) OpenEmpty() (*os.File, error) {
	if err := w.makeEmpty(); err != nil {
		return nil, err
	}
	return os.Open(w.empty())
}

// Dir holds the container's layers.
func (w Workspace) Dir() string { return w.Path }

// Upper is where the container's changes go.
func (w Workspace) Upper() string { return filepath.Join(w.Dir(), "upper") }

// Work is overlayfs's scratch directory.
func (w Workspace) Work() string { return filepath.Join(w.Dir(), "work") }

// Merged is the mount point of the union: the container's root.
func (w Workspace) Merged() string { return filepath.Join(w.Dir(), "merged") }

// Create makes fresh upper, work and merged directories and mounts the
// overlay of the image's layers (top first) and upper on merged. On
// failure it removes what it made.
func (w Workspace) Create(layers []string) (err error) {
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
	if err := makePrivateMount(w.Dir()); err != nil {
		return err
	}
	// upper's mode is that of the container's "/": 0755, as in an image.
	// work is overlayfs's own. merged may be there already: export of a
	// container that never ran mounts its image's layers on it.
	if err := os.Mkdir(w.Upper(), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", w.Upper(), err)
	}
	if err := os.Mkdir(w.Merged(), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: %w", w.Merged(), err)
	}
	if err := os.Mkdir(w.Work(), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", w.Work(), err)
	}
	return mountOverlay(w.Merged(), layers, w.Upper(), w.Work())
}

// Remount mounts the overlay again over the upper layer that a container
// kept when it exited: a restart. On failure it unmounts what it mounted,
// and never removes a layer: the container's changes are the user's.
func (w Workspace) Remount(layers []string) (err error) {
	defer func() {
		if err != nil {
			_ = w.Unmount()
		}
	}()
	if err := makePrivateMount(w.Dir()); err != nil {
		return err
	}
	return mountOverlay(w.Merged(), layers, w.Upper(), w.Work())
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

// Unmount unmounts the overlay and the workspace's own mount, deepest
// first, and checks in the kernel's mount table that none is left. The
// volumes are not in the host's mount table: init binds them in the
// container's namespace, and they vanish with it. The layers stay: a
// container that has exited keeps its writable layer until it is removed
// (book 5.6).
func (w Workspace) Unmount() error {
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
	return nil
}

// Remove unmounts everything (Unmount), then removes the layers. The
// removal itself stops at any mount point it meets: removing through a
// mount would delete what it shows (a volume's host data, as the book's
// code could). So when an unmount fails, Remove says so and deletes
// nothing.
func (w Workspace) Remove() error {
	if err := w.Unmount(); err != nil {
		return err
	}
	return removeAll(w.Dir())
}

// RemoveAll removes dir as Remove does, stopping at any mount point.
func RemoveAll(dir string) error { return removeAll(dir) }

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

// OpenRootfs opens the container's root filesystem without its
// volumes: a copy of the overlay mount alone (open_tree(2) with
// OPEN_TREE_CLONE, and without AT_RECURSIVE), detached, seen by no other
// process and gone when the file is closed, so that nothing is left
// mounted even if mydocker is killed. In it, each volume's mount point is
// the directory or empty file that was made for it in the container.
func (w Workspace) OpenRootfs() (*os.File, error) {
	tree, err := unix.OpenTree(unix.AT_FDCWD, w.Merged(), unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("open the container's root %s: %w", w.Merged(), err)
	}
	// The tree's fd only names it (O_PATH): its root is opened as a
	// directory to be read. Closing the tree's fd then detaches the copy
	// lazily, as MNT_DETACH does: the directory stays readable while open.
	fd, err := unix.Openat(tree, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	unix.Close(tree)
	if err != nil {
		return nil, fmt.Errorf("open the container's root %s: %w", w.Merged(), err)
	}
	return os.NewFile(uintptr(fd), w.Merged()), nil
}

// OpenLayers opens the filesystem of a container that has exited, whose
// overlay is no longer mounted: its writable layer over lower, as a
// read-only overlay that is never attached to a path (openDetached). A
// read-only overlay needs no upper layer: upper becomes the top lower
// layer, its whiteouts still hiding what it deleted. A container that
// never ran has no writable layer: its image's alone. Where the kernel has
// no new mount API (before 5.2), the overlay is mounted on merged for as
// long as it takes to clone it (OpenRootfs), then detached again: a kill
// in that moment leaves the mount, for the owner's cleanup to detach.
func (w Workspace) OpenLayers(layers []string) (*os.File, error) {
	top := w.Upper()
	if !w.HasUpper() {
		// An empty directory in its place: a read-only overlay needs
		// two layers, and an image may have one.
		if err := w.makeEmpty(); err != nil {
			return nil, err
		}
		top = w.empty()
	}
	all := append([]string{top}, layers...)
	if f, err := openDetached(all); err == nil {
		return f, nil
	}
	if err := os.MkdirAll(w.Merged(), 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", w.Merged(), err)
	}
	if err := mountOverlay(w.Merged(), all, "", ""); err != nil {
		return nil, err
	}
	defer unix.Unmount(w.Merged(), unix.MNT_DETACH)
	return w.OpenRootfs()
}
