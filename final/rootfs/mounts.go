package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
)

// mountFlags are the options of mount(8) that are flags of mount(2):
// each sets (or, with clear, clears) its flag.
var mountFlags = map[string]struct {
	clear bool
	flag  uintptr
}{
	"ro": {false, unix.MS_RDONLY}, "rw": {true, unix.MS_RDONLY},
	"nosuid": {false, unix.MS_NOSUID}, "suid": {true, unix.MS_NOSUID},
	"nodev": {false, unix.MS_NODEV}, "dev": {true, unix.MS_NODEV},
	"noexec": {false, unix.MS_NOEXEC}, "exec": {true, unix.MS_NOEXEC},
	"sync": {false, unix.MS_SYNCHRONOUS}, "async": {true, unix.MS_SYNCHRONOUS},
	"dirsync": {false, unix.MS_DIRSYNC}, "remount": {false, unix.MS_REMOUNT},
	"mand": {false, unix.MS_MANDLOCK}, "nomand": {true, unix.MS_MANDLOCK},
	"noatime": {false, unix.MS_NOATIME}, "atime": {true, unix.MS_NOATIME},
	"nodiratime": {false, unix.MS_NODIRATIME}, "diratime": {true, unix.MS_NODIRATIME},
	"relatime": {false, unix.MS_RELATIME}, "norelatime": {true, unix.MS_RELATIME},
	"strictatime": {false, unix.MS_STRICTATIME}, "nostrictatime": {true, unix.MS_STRICTATIME},
	"bind": {false, unix.MS_BIND}, "rbind": {false, unix.MS_BIND | unix.MS_REC},
	"silent": {false, unix.MS_SILENT}, "loud": {true, unix.MS_SILENT},
}

// propagationFlags are the options that change a mount's propagation,
// which takes a mount(2) call of its own, after the mount.
var propagationFlags = map[string]uintptr{
	"private": unix.MS_PRIVATE, "rprivate": unix.MS_PRIVATE | unix.MS_REC,
	"shared": unix.MS_SHARED, "rshared": unix.MS_SHARED | unix.MS_REC,
	"slave": unix.MS_SLAVE, "rslave": unix.MS_SLAVE | unix.MS_REC,
	"unbindable": unix.MS_UNBINDABLE, "runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// recursiveAttrs are the options that set or clear an attribute of the
// mount and of every mount below it (mount_setattr(2) with AT_RECURSIVE),
// as runc 1.1 on: "rro" makes a volume read-only with what is mounted
// inside it, as docker's :ro. The access-time mode is one field of the
// mount: each of its options sets the whole field, and those that only
// undo a mode ("ratime", "rnorelatime", "rnostrictatime") set relatime,
// the kernel's default, where runc's clear of one bit is refused by the
// kernel (EINVAL).
var recursiveAttrs = map[string]struct {
	clear bool
	attr  uint64
}{
	"rro": {false, unix.MOUNT_ATTR_RDONLY}, "rrw": {true, unix.MOUNT_ATTR_RDONLY},
	"rnosuid": {false, unix.MOUNT_ATTR_NOSUID}, "rsuid": {true, unix.MOUNT_ATTR_NOSUID},
	"rnodev": {false, unix.MOUNT_ATTR_NODEV}, "rdev": {true, unix.MOUNT_ATTR_NODEV},
	"rnoexec": {false, unix.MOUNT_ATTR_NOEXEC}, "rexec": {true, unix.MOUNT_ATTR_NOEXEC},
	"rnodiratime": {false, unix.MOUNT_ATTR_NODIRATIME}, "rdiratime": {true, unix.MOUNT_ATTR_NODIRATIME},
	"rnoatime": {false, unix.MOUNT_ATTR_NOATIME}, "rstrictatime": {false, unix.MOUNT_ATTR_STRICTATIME},
	"rrelatime": {false, unix.MOUNT_ATTR_RELATIME}, "ratime": {false, unix.MOUNT_ATTR_RELATIME},
	"rnorelatime": {false, unix.MOUNT_ATTR_RELATIME}, "rnostrictatime": {false, unix.MOUNT_ATTR_RELATIME},
}

// atimeOptions are the recursive options that set the access-time mode.
var atimeOptions = map[string]bool{"rnoatime": true, "rstrictatime": true, "rrelatime": true,
	"ratime": true, "rnorelatime": true, "rnostrictatime": true}

// parsedMount is a spec mount's options, sorted out.
type parsedMount struct {
	flags       uintptr
	recursive   mountfd.Attrs // for the mount and every one below it
	propagation []uintptr
	data        string
	// copyUp ("tmpcopyup", runc's extension): a tmpfs gets a copy of
	// what the rootfs has where it goes.
	copyUp bool
	// idmap ("idmap", "ridmap"): the bind is idmapped (idmap.go), the
	// mounts below it too with ridmap.
	idmap, ridmap bool
}

func parseOptions(options []string) (parsedMount, error) {
	var p parsedMount
	var data []string
	for _, o := range options {
		if f, ok := mountFlags[o]; ok {
			if f.clear {
				p.flags &^= f.flag
			} else {
				p.flags |= f.flag
			}
			continue
		}
		if f, ok := propagationFlags[o]; ok {
			p.propagation = append(p.propagation, f)
			continue
		}
		if a, ok := recursiveAttrs[o]; ok {
			p.recursive = p.recursive.With(a.attr, a.clear, atimeOptions[o])
			continue
		}
		switch o {
		case "tmpcopyup":
			p.copyUp = true
		case "idmap":
			p.idmap, p.ridmap = true, false
		case "ridmap":
			p.idmap, p.ridmap = true, true
		default:
			data = append(data, o)
		}
	}
	p.data = strings.Join(data, ",")
	return p, nil
}

// isBind reports whether the mount binds its source: type "bind" or a
// bind option.
func isBind(m specs.Mount, p parsedMount) bool {
	return m.Type == "bind" || p.flags&unix.MS_BIND != 0
}

// mountAll makes the bundle's mounts in the rootfs, in their order:
// a mount may go on top of one before it (/dev, then /dev/pts).
func mountAll(root *os.File, list []specs.Mount, prepared map[int]*os.File) error {
	for i, m := range list {
		if err := mountOne(root, m, prepared[i]); err != nil {
			return fmt.Errorf("mount %s on %s: %w", m.Source, m.Destination, err)
		}
	}
	return nil
}

// mountOne makes one mount. The destination is the container's: it is
// opened inside the root, checked to be a directory (a file for a bind
// of a file), and the mount is made on that descriptor (package mountfd), so
// that no symlink, there from the image or swapped in since, sends it
// onto the host. The source of a bind is the host's, from the config;
// an idmapped one's was made by the caller (prepared).
func mountOne(root *os.File, m specs.Mount, prepared *os.File) error {
	if !filepath.IsAbs(m.Destination) {
		return errors.New("the destination must be an absolute path")
	}
	p, err := parseOptions(m.Options)
	if err != nil {
		return err
	}
	if prepared == nil && IDMapped(m) {
		return errors.New("an idmapped mount is made by the runtime before init: not here")
	}
	if p.flags&unix.MS_REMOUNT != 0 {
		return errors.New("mount option \"remount\" is not supported")
	}
	bind := isBind(m, p)
	kind, err := targetKindOf(m.Source, bind)
	if err != nil {
		return err
	}
	if m.Type == "proc" || m.Type == "sysfs" {
		if err := checkOrdinaryDir(root, m); err != nil {
			return err
		}
	}
	keepMode := m.Type == "tmpfs" && !hasDataOption(p.data, "mode") && existsInRoot(root, m.Destination)
	target, err := mountfd.OpenTarget(root, m.Destination, kind)
	if err != nil {
		return err
	}
	defer target.Close()
	if keepMode {
		if p.data, err = withModeOf(target, p.data); err != nil {
			return err
		}
	}
	var mnt *os.File
	switch {
	case prepared != nil:
		mnt = prepared // flags and recursive options set
		p.recursive = mountfd.Attrs{}
	case bind:
		mnt, err = mountfd.Clone(unix.AT_FDCWD, m.Source, p.flags&unix.MS_REC != 0)
		if err == nil {
			err = mountfd.SetAttr(mnt, p.flags, false)
		}
	case m.Type == "cgroup" || m.Type == "cgroup2":
		mnt, err = mountCgroups(target, p)
	case m.Type == "tmpfs" && p.copyUp:
		mnt, err = copyUpTmpfs(target, m, p)
	default:
		mnt, err = mountfd.New(m.Type, m.Source, p.flags, p.data)
		// sysfs belongs to a network namespace: without one of its own the
		// container gets the host's, bound (as runc does).
		if err != nil && m.Type == "sysfs" && errors.Is(err, unix.EPERM) {
			mnt, err = mountfd.Clone(unix.AT_FDCWD, "/sys", true)
			if err == nil {
				err = mountfd.SetAttr(mnt, p.flags, false)
			}
		}
	}
	if err != nil {
		if mnt != nil {
			mnt.Close()
		}
		return err
	}
	defer mnt.Close()
	if !p.recursive.Empty() {
		if err := mountfd.SetAttrTree(mnt, p.recursive); err != nil {
			return err
		}
	}
	// The cgroup tree is attached already (its hierarchies went inside).
	attached := !bind && (m.Type == "cgroup" || m.Type == "cgroup2")
	if !attached {
		if err := mountfd.Attach(mnt, target); err != nil {
			return err
		}
	}
	for _, flag := range p.propagation {
		if err := mountfd.SetPropagation(mnt, flag); err != nil {
			return fmt.Errorf("set propagation: %w", err)
		}
	}
	return nil
}

// copyUpTmpfs makes the tmpfs of a "tmpcopyup" mount, as runc does:
// detached, it gets a copy of what target (the rootfs's directory it is
// to cover: podman's /dev, say, or an image's /etc) holds, through
// descriptors (mountfd.CopyUp); read-only, if asked, once filled.
func copyUpTmpfs(target *os.File, m specs.Mount, p parsedMount) (*os.File, error) {
	mnt, err := mountfd.New(m.Type, m.Source, p.flags&^unix.MS_RDONLY, p.data)
	if err != nil {
		return nil, err
	}
	err = mountfd.CopyUp(target, mnt)
	if err == nil && p.flags&unix.MS_RDONLY != 0 {
		err = mountfd.SetAttr(mnt, unix.MS_RDONLY, false)
	}
	if err != nil {
		mnt.Close()
		return nil, fmt.Errorf("tmpcopyup: %w", err)
	}
	return mnt, nil
}

// targetKindOf is what the destination must be: a file for a bind of
// anything but a directory, a directory otherwise.
func targetKindOf(source string, bind bool) (mountfd.Kind, error) {
	if !bind {
		return mountfd.Dir, nil
	}
	info, err := os.Stat(source)
	if err != nil {
		return 0, err
	}
	if info.IsDir() {
		return mountfd.Dir, nil
	}
	return mountfd.File, nil
}

// mountCgroups mounts the cgroup filesystem on target, as docker lays it
// out: cgroup2 on a host with only it; on a v1 or hybrid host, a tmpfs
// with each hierarchy init is in, as /proc/self/cgroup shows them to its
// cgroup namespace. Without a cgroup namespace, each is a bind of init's
// own cgroup (ownCgroupSource). The tmpfs is attached first and filled
// through its own descriptor; the mount returned is attached already.
func mountCgroups(target *os.File, p parsedMount) (*os.File, error) {
	flags := p.flags | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	hierarchies, err := cgroupHierarchies()
	if err != nil {
		return nil, err
	}
	if len(hierarchies) == 1 && hierarchies[0].controllers == "" {
		mnt, err := mountfd.New("cgroup2", "cgroup2", flags, "")
		if err != nil {
			return nil, err
		}
		if err := mountfd.Attach(mnt, target); err != nil {
			mnt.Close()
			return nil, err
		}
		return mnt, nil
	}
	infos, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup", "cgroup2"))
	if err != nil {
		return nil, fmt.Errorf("find the cgroup mounts: %w", err)
	}
	tmpfs, err := mountfd.New("tmpfs", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755,size=64k")
	if err != nil {
		return nil, err
	}
	if err := mountfd.Attach(tmpfs, target); err != nil {
		tmpfs.Close()
		return nil, err
	}
	for _, h := range hierarchies {
		if err := mountHierarchy(tmpfs, h, ownCgroupSource(infos, h), flags); err != nil {
			tmpfs.Close()
			return nil, err
		}
	}
	if p.flags&unix.MS_RDONLY != 0 {
		if err := mountfd.SetAttr(tmpfs, unix.MS_RDONLY, false); err != nil {
			tmpfs.Close()
			return nil, err
		}
	}
	return tmpfs, nil
}

// mountHierarchy mounts one cgroup hierarchy in a directory of the tmpfs
// dir: the host's source bound where there is one, else a new mount of
// the hierarchy.
func mountHierarchy(dir *os.File, h hierarchy, source string, flags uintptr) error {
	name, fstype, data := h.controllers, "cgroup", h.controllers
	switch {
	case name == "":
		name, fstype, data = "unified", "cgroup2", ""
	case strings.HasPrefix(name, "name="):
		name, data = strings.TrimPrefix(name, "name="), "none,"+name
	}
	if err := unix.Mkdirat(int(dir.Fd()), name, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("make %s: %w", name, err)
	}
	target, err := mountfd.OpenNoFollow(dir, name)
	if err != nil {
		return err
	}
	defer target.Close()
	if err := mountfd.CheckKind(target, mountfd.Dir); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if source != "" {
		if err := mountfd.BindOnto(source, target, flags); err != nil {
			return fmt.Errorf("bind cgroup %s: %w", source, err)
		}
	} else if err := mountNewHierarchy(target, fstype, data, flags); err != nil {
		return fmt.Errorf("mount cgroup %s: %w", h.controllers, err)
	}
	// "cpu" and "cpuacct" lead to "cpu,cpuacct", as on the host.
	if parts := strings.Split(h.controllers, ","); len(parts) > 1 {
		for _, part := range parts {
			_ = unix.Symlinkat(h.controllers, int(dir.Fd()), part)
		}
	}
	return nil
}

// mountNewHierarchy mounts a new cgroup filesystem on target.
func mountNewHierarchy(target *os.File, fstype, data string, flags uintptr) error {
	mnt, err := mountfd.New(fstype, "cgroup", flags, data)
	if err != nil {
		return err
	}
	defer mnt.Close()
	return mountfd.Attach(mnt, target)
}

// Propagation is the propagation flags of a mount option ("rslave"...),
// for a bundle's linux.rootfsPropagation.
func Propagation(option string) (uintptr, bool) {
	flag, ok := propagationFlags[option]
	return flag, ok
}

// MountOptions are the mount options this package honours, sorted (for
// the runtime's features, features.md).
func MountOptions() []string {
	var list []string
	for o := range mountFlags {
		list = append(list, o)
	}
	for o := range propagationFlags {
		list = append(list, o)
	}
	for o := range recursiveAttrs {
		list = append(list, o)
	}
	list = append(list, "tmpcopyup", "idmap", "ridmap")
	sort.Strings(list)
	return list
}

// hasDataOption reports whether the filesystem options in data set key
// ("mode" in "size=64k,mode=755").
func hasDataOption(data, key string) bool {
	for _, o := range strings.Split(data, ",") {
		if o == key || strings.HasPrefix(o, key+"=") {
			return true
		}
	}
	return false
}

// existsInRoot reports whether path names something inside root already.
func existsInRoot(root *os.File, path string) bool {
	f, err := pathrs.OpenatInRoot(root, path)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// withModeOf gives a tmpfs with no mode= of its own the mode of the
// directory it covers, set-id and sticky bits too, as runc does
// (runc#3952): an image's /tmp (1777), or one made 0710, looks the same
// once the tmpfs is on it. A tmpfs's own default would be 1777 whatever
// the image said. A mode= in the options still wins: it comes later.
func withModeOf(target *os.File, data string) (string, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(target.Fd()), &st); err != nil {
		return "", fmt.Errorf("stat the tmpfs's directory: %w", err)
	}
	mode := fmt.Sprintf("mode=%04o", st.Mode&07777)
	if data == "" {
		return mode, nil
	}
	return mode + "," + data, nil
}

// checkOrdinaryDir refuses a proc or sysfs mount whose destination, in
// the image, is anything but a directory: a symlink there (an image's
// /proc -> /bad-proc) would put the kernel's files where the image says,
// and the masked and read-only paths, which name /proc's, would miss
// them. runc refuses it in the same words.
func checkOrdinaryDir(root *os.File, m specs.Mount) error {
	dir, name, err := mountfd.OpenParent(root, m.Destination)
	if err != nil {
		return err
	}
	defer dir.Close()
	var st unix.Stat_t
	err = unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("filesystem %q must be mounted on ordinary directory", m.Type)
	}
	return nil
}
