package containerfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// withRoot runs fn with the container's root filesystem open: a running
// container's root as its own processes see it, or, for one that is not
// running, its layers mounted for the while (under its lock, so that
// start waits).
func withRoot(store state.Store, st *state.Container, fn func(root *os.File) error) error {
	if st.Status == state.Running && st.Init.Alive() {
		return openRunningRoot(st, fn)
	}
	return store.Change(st, func(now *state.Container) error {
		if now.Status == state.Running {
			return openRunningRoot(now, fn) // started meanwhile
		}
		images := image.Store{Root: store.Root}
		img, err := images.Get(now.ImageID)
		if err != nil {
			return fmt.Errorf("the image of %s: %w", now.Name, err)
		}
		ws := now.Workspace()
		mount := ws.Remount
		if !ws.HasUpper() { // created, never started: its layer is made now
			mount = ws.CreateUnstarted
		}
		if err := mount(images.Lowers(img)); err != nil {
			return err
		}
		defer ws.Unmount()
		return openAndRun(ws.Merged(), fn)
	})
}

// openRunningRoot runs fn with the root of st's init open, through
// /proc/PID/root: the volumes are bound in the container's own mount
// namespace (init binds them there, never in the host's), so the overlay
// seen from the host lacks them, as docker cp would not. The descriptor
// is init's only if init still has its recorded start once it is open: a
// PID taken by another process since would fail that check.
func openRunningRoot(st *state.Container, fn func(root *os.File) error) error {
	root, err := os.OpenFile(fmt.Sprintf("/proc/%d/root", st.Init.PID), os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the root of %s: %w", st.Name, err)
	}
	defer root.Close()
	if !st.Init.Alive() {
		return fmt.Errorf("%w: %s", state.ErrNotRunning, st.Name)
	}
	return fn(root)
}

func openAndRun(dir string, fn func(root *os.File) error) error {
	root, err := os.OpenFile(dir, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the container's root: %w", err)
	}
	defer root.Close()
	return fn(root)
}

// CopyOut copies src, a path in the container, to dest on the host, as
// docker cp CONTAINER:SRC DEST: into dest when it is a directory, else
// as dest. src is resolved inside the container's root (a symlink in it
// cannot lead out: openat2 RESOLVE_IN_ROOT, through pathrs-lite), and
// written by cp's own host writer (cphost.go), never the image unpacker:
// what a container names .wh.x is a file, not a whiteout.
func CopyOut(store state.Store, st *state.Container, src, dest string, archive bool) error {
	if info, err := os.Stat(dest); err == nil && info.IsDir() {
		dest = filepath.Join(dest, path.Base("/"+src))
	}
	dest, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("cp: %w", err)
	}
	parent, err := os.OpenRoot(filepath.Dir(dest))
	if err != nil {
		return fmt.Errorf("cp: %w", err)
	}
	defer parent.Close()
	return withRoot(store, st, func(root *os.File) error {
		handle, err := pathrs.OpenatInRoot(root, src)
		if err != nil {
			return fmt.Errorf("cp: %s in %s: %w", src, st.Name, err)
		}
		defer handle.Close()
		return copyOutTo(handle, path.Clean("/"+src), parent, filepath.Base(dest), archive)
	})
}

// CopyIn copies src, a path on the host, to dest in the container, as
// docker cp SRC CONTAINER:DEST: into dest when it is a directory there,
// else as dest. Every directory in the container is opened inside its
// root (pathrs-lite), and every entry made relative to its open parent
// with O_NOFOLLOW: a container that swaps a directory for a symlink to
// the host's /etc meanwhile writes nothing there. What it makes is owned
// by root, with src's modes, as docker's cp.
func CopyIn(store state.Store, st *state.Container, src, dest string, archive bool) error {
	if _, err := os.Lstat(src); err != nil {
		return fmt.Errorf("cp: %w", err)
	}
	return withRoot(store, st, func(root *os.File) error {
		target := path.Clean("/" + dest)
		if h, err := pathrs.OpenatInRoot(root, target); err == nil {
			if st, err := h.Stat(); err == nil && st.IsDir() {
				target = path.Join(target, filepath.Base(src))
			}
			h.Close()
		}
		return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			return copyEntryIn(root, p, path.Join(target, filepath.ToSlash(rel)), d, archive)
		})
	})
}

// copyEntryIn makes the host entry p at the container path target; with
// archive (cp -a) owned by p's uid and gid, else by root.
func copyEntryIn(root *os.File, p, target string, d fs.DirEntry, archive bool) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	if d.IsDir() {
		h, err := pathrs.MkdirAllHandle(root, target, info.Mode().Perm())
		if err != nil {
			return fmt.Errorf("cp: make %s: %w", target, err)
		}
		defer h.Close()
		if archive {
			return chownHandle(h, info)
		}
		return nil
	}
	parent, err := pathrs.MkdirAllHandle(root, path.Dir(target), 0o755)
	if err != nil {
		return fmt.Errorf("cp: make %s: %w", path.Dir(target), err)
	}
	defer parent.Close()
	dirfd, name := int(parent.Fd()), path.Base(target)
	switch {
	case d.Type()&fs.ModeSymlink != 0:
		link, err := os.Readlink(p)
		if err != nil {
			return err
		}
		_ = unix.Unlinkat(dirfd, name, 0)
		if err := unix.Symlinkat(link, dirfd, name); err != nil {
			return err
		}
	case d.Type().IsRegular():
		if err := copyFileAt(p, dirfd, name, info.Mode().Perm()); err != nil {
			return err
		}
	default:
		return nil // devices, FIFOs, sockets: docker cp leaves them too
	}
	if archive {
		return chownAt(dirfd, name, info)
	}
	return nil
}

// chownAt gives name in dirfd (not followed) the owner of info.
func chownAt(dirfd int, name string, info fs.FileInfo) error {
	sys, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return unix.Fchownat(dirfd, name, int(sys.Uid), int(sys.Gid), unix.AT_SYMLINK_NOFOLLOW)
}

// chownHandle gives the directory h (a pathrs O_PATH handle) the owner of
// info, through its descriptor.
func chownHandle(h *os.File, info fs.FileInfo) error {
	sys, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return unix.Fchownat(int(h.Fd()), "", int(sys.Uid), int(sys.Gid), unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW)
}

// copyFileAt copies the host file p to name in the directory dirfd.
func copyFileAt(p string, dirfd int, name string, mode fs.FileMode) error {
	in, err := os.Open(p)
	if err != nil {
		return err
	}
	defer in.Close()
	// What the container has at name is replaced, not written through: a
	// FIFO there would hang cp, a hard link would take the bytes elsewhere.
	if err := unix.Unlinkat(dirfd, name, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("cp: replace %s: %w", name, err)
	}
	fd, err := unix.Openat(dirfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(mode))
	if err != nil {
		return fmt.Errorf("cp: create %s: %w", name, err)
	}
	out := os.NewFile(uintptr(fd), name)
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("cp: %w", err)
	}
	if err := out.Chmod(mode); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// SplitCopyArg tells a CONTAINER:PATH argument of cp from a host path.
func SplitCopyArg(arg string) (ref, p string, inContainer bool) {
	if strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, ".") {
		return "", arg, false
	}
	ref, p, ok := strings.Cut(arg, ":")
	if !ok || ref == "" {
		return "", arg, false
	}
	return ref, p, true
}
