package mountfd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// Every path in the container's root is the image's (or, through a volume
// shared with a running container, a container's): a name looked up now
// and mounted on later may be a symlink by then, and a mount by path
// would follow it onto the host (CVE-2021-30465; runc's CVE-2025-31133,
// -52565, -52881). So a target is opened once, inside the root
// (openat2 RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, through pathrs-lite),
// its type checked on the descriptor, and the mount is made on that
// descriptor with the new mount API (open_tree, fsmount, move_mount,
// mount_setattr), which takes no path at all.

// Kind is what a mount target must be.
type Kind int

const (
	Dir  Kind = iota
	File      // a regular file or a device node: the target of a file bind
)

// OpenRoot opens the root directory of the container (O_PATH): every
// lookup below is relative to it and stays inside.
func OpenRoot(path string) (*os.File, error) {
	f, err := os.OpenFile(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open the root %s: %w", path, err)
	}
	return f, nil
}

// OpenTarget opens path inside root as a mount target of the kind asked,
// making it (with its parents, inside root) when it is not there. A
// symlink is followed inside root only; what it resolves to must be of
// the kind: a directory for a directory, a file for a file; and not the
// root itself, which a mount would cover whole (the container would run
// the volume's files).
func OpenTarget(root *os.File, path string, kind Kind) (*os.File, error) {
	target, err := pathrs.OpenatInRoot(root, path)
	if errors.Is(err, os.ErrNotExist) {
		target, err = makeTarget(root, inRoot(root, path), kind)
	}
	if err != nil {
		return nil, err
	}
	if err := CheckKind(target, kind); err != nil {
		target.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if sameFile(target, root) {
		target.Close()
		return nil, fmt.Errorf("%s: is the container's root (a symlink to \"/\"?): no mount goes over it", path)
	}
	return target, nil
}

// sameFile reports whether a and b are the same inode of one filesystem.
func sameFile(a, b *os.File) bool {
	var sa, sb unix.Stat_t
	if unix.Fstat(int(a.Fd()), &sa) != nil || unix.Fstat(int(b.Fd()), &sb) != nil {
		return false
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino
}

// inRoot is where path leads inside root when it names nothing yet: its
// symlinks, dangling ones too, followed as if root were "/" (an image's
// /etc/resolv.conf -> ../run/systemd/resolve/stub-resolv.conf is made
// there, as docker makes it). It only names the place: what is made there
// is made by descriptors, so a symlink swapped in since stays inside.
func inRoot(root *os.File, path string) string {
	joined, err := securejoin.SecureJoin(root.Name(), path)
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(root.Name(), joined)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return path
	}
	return "/" + rel
}

// makeTarget makes path inside root: its parents as directories, itself
// a directory or an empty file, never through a symlink.
func makeTarget(root *os.File, path string, kind Kind) (*os.File, error) {
	if kind == Dir {
		return pathrs.MkdirAllHandle(root, path, 0o755)
	}
	dir, name, err := OpenParent(root, path)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_RDONLY|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("make %s: %w", path, err)
	}
	unix.Close(fd)
	return OpenNoFollow(dir, name)
}

// OpenParent opens (making it) the directory of path inside root, and
// gives the last name of path: one name, never "/", "." nor "..", so
// that an *at call with it stays in that directory.
func OpenParent(root *os.File, path string) (dir *os.File, name string, err error) {
	clean := filepath.Clean("/" + path)
	name = filepath.Base(clean)
	if clean == "/" || name == "." || name == ".." {
		return nil, "", fmt.Errorf("%s: not a name in a directory", path)
	}
	dir, err = pathrs.MkdirAllHandle(root, filepath.Dir(clean), 0o755)
	if err != nil {
		return nil, "", err
	}
	return dir, name, nil
}

// OpenNoFollow opens name in dir (O_PATH), the entry itself: a symlink
// stays a symlink (and fails CheckKind).
func OpenNoFollow(dir *os.File, name string) (*os.File, error) {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// CheckKind checks on the descriptor that it is what a mount of the kind
// may go on.
func CheckKind(f *os.File, kind Kind) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	mode := st.Mode & unix.S_IFMT
	switch {
	case kind == Dir && mode == unix.S_IFDIR:
		return nil
	case kind == Dir:
		return errors.New("not a directory")
	case mode == unix.S_IFREG || mode == unix.S_IFCHR || mode == unix.S_IFBLK:
		return nil
	default:
		return fmt.Errorf("not a file (mode %o)", mode)
	}
}

// IsDevNull reports whether f is the char device 1:3: a masked file's
// cover must be /dev/null itself, not a symlink nor a node of another
// device (runc's CVE-2025-31133: /dev/null a symlink to
// /proc/sys/kernel/core_pattern made the mask a writable bind of it).
func IsDevNull(f *os.File) bool {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFCHR && unix.Major(st.Rdev) == 1 && unix.Minor(st.Rdev) == 3
}

// Clone makes a detached copy of the mount tree at (dir, path), as a
// bind would (recursive for rbind): open_tree(OPEN_TREE_CLONE). An empty
// path clones what the descriptor dir is.
func Clone(dir int, path string, recursive bool) (*os.File, error) {
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	if path == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	fd, err := unix.OpenTree(dir, path, flags)
	if err != nil {
		return nil, fmt.Errorf("open_tree %s: %w", path, err)
	}
	return os.NewFile(uintptr(fd), "tree:"+path), nil
}

// Attach moves the detached mount onto the opened target.
func Attach(mnt, target *os.File) error {
	err := unix.MoveMount(int(mnt.Fd()), "", int(target.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	if err != nil {
		return fmt.Errorf("move_mount: %w", err)
	}
	return nil
}

// BindOnto binds the host's source (a path of the bundle's config, which
// is trusted: the host's) onto the opened target, with flags (MS_RDONLY,
// MS_NOSUID, ...) set on the new mount.
func BindOnto(source string, target *os.File, flags uintptr) error {
	mnt, err := Clone(unix.AT_FDCWD, source, flags&unix.MS_REC != 0)
	if err != nil {
		return err
	}
	defer mnt.Close()
	return attachWith(mnt, target, flags)
}

// attachWith sets the flags on the detached mount, then attaches it.
func attachWith(mnt, target *os.File, flags uintptr) error {
	if err := SetAttr(mnt, flags, false); err != nil {
		return err
	}
	return Attach(mnt, target)
}

// mountAttrs are mount(2) flags that are a mount's own (not its
// superblock's), as mount_setattr(2) names them.
var mountAttrs = map[uintptr]uint64{
	unix.MS_RDONLY: unix.MOUNT_ATTR_RDONLY, unix.MS_NOSUID: unix.MOUNT_ATTR_NOSUID,
	unix.MS_NODEV: unix.MOUNT_ATTR_NODEV, unix.MS_NOEXEC: unix.MOUNT_ATTR_NOEXEC,
	unix.MS_NODIRATIME: unix.MOUNT_ATTR_NODIRATIME,
}

// SetAttr adds the per-mount flags to the mount mnt (recursively: to each
// mount below it too). It only sets: a flag the mount has (locked by a
// user namespace, say) stays. The others (sync, dirsync, mand, silent)
// are the superblock's, which a bind cannot change.
func SetAttr(mnt *os.File, flags uintptr, recursive bool) error {
	var attr unix.MountAttr
	for ms, a := range mountAttrs {
		if flags&ms != 0 {
			attr.Attr_set |= a
		}
	}
	// The access-time mode is one field: set as a whole.
	for ms, a := range map[uintptr]uint64{unix.MS_NOATIME: unix.MOUNT_ATTR_NOATIME, unix.MS_STRICTATIME: unix.MOUNT_ATTR_STRICTATIME, unix.MS_RELATIME: unix.MOUNT_ATTR_RELATIME} {
		if flags&ms != 0 {
			attr.Attr_set |= a
			attr.Attr_clr |= unix.MOUNT_ATTR__ATIME
		}
	}
	if attr.Attr_set == 0 {
		return nil
	}
	return mountSetattr(mnt, attr, recursive)
}

// SetPropagation sets a propagation (MS_PRIVATE, MS_SLAVE, ..., with
// MS_REC for the tree below) on the mount mnt.
func SetPropagation(mnt *os.File, flag uintptr) error {
	return mountSetattr(mnt, unix.MountAttr{Propagation: uint64(flag &^ unix.MS_REC)}, flag&unix.MS_REC != 0)
}

func mountSetattr(mnt *os.File, attr unix.MountAttr, recursive bool) error {
	flags := uint(unix.AT_EMPTY_PATH)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	if err := unix.MountSetattr(int(mnt.Fd()), "", flags, &attr); err != nil {
		return fmt.Errorf("mount_setattr: %w", err)
	}
	return nil
}

// New makes a filesystem (proc, tmpfs, sysfs, devpts, mqueue, ...)
// as a detached mount: fsopen, each option of data, fsmount with the
// per-mount flags. The superblock's own flags become their options.
func New(fstype, source string, flags uintptr, data string) (*os.File, error) {
	fsfd, err := unix.Fsopen(fstype, unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen %s: %w", fstype, err)
	}
	defer unix.Close(fsfd)
	if source != "" {
		if err := unix.FsconfigSetString(fsfd, "source", source); err != nil {
			return nil, fmt.Errorf("%s: source %q: %w", fstype, source, err)
		}
	}
	for _, o := range fsOptions(flags, data) {
		if err := setFsOption(fsfd, o); err != nil {
			return nil, fmt.Errorf("%s: option %q: %w", fstype, o, err)
		}
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return nil, fmt.Errorf("%s: create: %w", fstype, err)
	}
	var attrs int
	for ms, a := range mountAttrs {
		if flags&ms != 0 {
			attrs |= int(a)
		}
	}
	for ms, a := range map[uintptr]int{unix.MS_NOATIME: unix.MOUNT_ATTR_NOATIME, unix.MS_STRICTATIME: unix.MOUNT_ATTR_STRICTATIME} {
		if flags&ms != 0 {
			attrs |= a
		}
	}
	fd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, attrs)
	if err != nil {
		return nil, fmt.Errorf("fsmount %s: %w", fstype, err)
	}
	return os.NewFile(uintptr(fd), "mount:"+fstype), nil
}

// fsOptions are data's options, with the superblock flags of mount(2)
// that a filesystem takes as options.
func fsOptions(flags uintptr, data string) []string {
	var opts []string
	for ms, name := range map[uintptr]string{unix.MS_SYNCHRONOUS: "sync", unix.MS_DIRSYNC: "dirsync", unix.MS_MANDLOCK: "mand", unix.MS_SILENT: "silent"} {
		if flags&ms != 0 {
			opts = append(opts, name)
		}
	}
	if data == "" {
		return opts
	}
	return append(opts, splitOptions(data)...)
}

// splitOptions splits mount data at its commas.
func splitOptions(data string) []string {
	var opts []string
	start := 0
	for i := 0; i <= len(data); i++ {
		if i == len(data) || data[i] == ',' {
			if i > start {
				opts = append(opts, data[start:i])
			}
			start = i + 1
		}
	}
	return opts
}

// setFsOption gives one option ("key=value" or a flag "key") to fsconfig.
func setFsOption(fsfd int, o string) error {
	for i := 0; i < len(o); i++ {
		if o[i] == '=' {
			return unix.FsconfigSetString(fsfd, o[:i], o[i+1:])
		}
	}
	return unix.FsconfigSetFlag(fsfd, o)
}
