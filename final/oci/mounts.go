package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups"
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

// parsedMount is a spec mount's options, sorted out.
type parsedMount struct {
	flags       uintptr
	propagation []uintptr
	data        string
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
		switch o {
		case "idmap", "ridmap":
			return p, fmt.Errorf("mount option %q is not supported", o)
		case "tmpcopyup", "rro", "rrw", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rrelatime", "rstrictatime":
			return p, fmt.Errorf("mount option %q is not supported", o)
		}
		data = append(data, o)
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
func mountAll(rootfs string, list []specs.Mount) error {
	for _, m := range list {
		if err := mountOne(rootfs, m); err != nil {
			return fmt.Errorf("mount %s on %s: %w", m.Source, m.Destination, err)
		}
	}
	return nil
}

func mountOne(rootfs string, m specs.Mount) error {
	if !filepath.IsAbs(m.Destination) {
		return errors.New("the destination must be an absolute path")
	}
	p, err := parseOptions(m.Options)
	if err != nil {
		return err
	}
	// The destination is resolved inside the rootfs: a symlink in the
	// image cannot send a mount onto the host.
	dest, err := securejoin.SecureJoin(rootfs, m.Destination)
	if err != nil {
		return err
	}
	bind := isBind(m, p)
	if err := makeMountpoint(dest, m.Source, bind); err != nil {
		return err
	}
	switch {
	case bind:
		err = bindMount(m.Source, dest, p)
	case m.Type == "cgroup" || m.Type == "cgroup2":
		err = mountCgroups(dest, p)
	default:
		err = unix.Mount(m.Source, dest, m.Type, p.flags, p.data)
		// sysfs belongs to a network namespace: without one of its own the
		// container gets the host's, bound (as runc does).
		if err != nil && m.Type == "sysfs" && errors.Is(err, unix.EPERM) {
			err = bindMount("/sys", dest, parsedMount{flags: p.flags | unix.MS_BIND | unix.MS_REC})
		}
	}
	if err != nil {
		return err
	}
	for _, flag := range p.propagation {
		if err := unix.Mount("", dest, "", flag, ""); err != nil {
			return fmt.Errorf("set propagation: %w", err)
		}
	}
	return nil
}

// makeMountpoint makes the destination: a file for a bind of a file, a
// directory otherwise.
func makeMountpoint(dest, source string, bind bool) error {
	if bind {
		info, err := os.Stat(source)
		if err != nil {
			return err
		}
		if !info.IsDir() {
			if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(dest, os.O_CREATE|os.O_RDONLY|unix.O_CLOEXEC, 0o644)
			if err != nil && !errors.Is(err, unix.EISDIR) {
				return err
			}
			if f != nil {
				f.Close()
			}
			return nil
		}
	}
	return os.MkdirAll(dest, 0o755)
}

// bindMount binds source on dest, then remounts the bind with the
// options' flags: the kernel ignores every flag but MS_REC on the bind
// itself. The remount keeps the flags that the source's mount has and a
// user namespace may not clear (nosuid, nodev, noexec, ...).
func bindMount(source, dest string, p parsedMount) error {
	if err := unix.Mount(source, dest, "", unix.MS_BIND|(p.flags&unix.MS_REC), ""); err != nil {
		return err
	}
	extra := p.flags &^ (unix.MS_BIND | unix.MS_REC | unix.MS_REMOUNT)
	if extra == 0 {
		return nil
	}
	return remount(dest, extra)
}

// remount remounts the mount at dest (a bind) with flags added to the ones
// it has.
func remount(dest string, flags uintptr) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dest, &st); err != nil {
		return err
	}
	flags |= lockedFlags(st.Flags)
	return unix.Mount("", dest, "", unix.MS_BIND|unix.MS_REMOUNT|flags, "")
}

// lockedFlags are a mount's flags, from statfs(2), that a remount must
// repeat.
func lockedFlags(st int64) uintptr {
	var flags uintptr
	for stFlag, msFlag := range map[int64]uintptr{
		unix.ST_RDONLY: unix.MS_RDONLY, unix.ST_NOSUID: unix.MS_NOSUID, unix.ST_NODEV: unix.MS_NODEV,
		unix.ST_NOEXEC: unix.MS_NOEXEC, unix.ST_NOATIME: unix.MS_NOATIME, unix.ST_NODIRATIME: unix.MS_NODIRATIME,
		unix.ST_RELATIME: unix.MS_RELATIME,
	} {
		if st&stFlag != 0 {
			flags |= msFlag
		}
	}
	return flags
}

// mountCgroups mounts the cgroup filesystem at dest, as docker lays it
// out: cgroup2 on a host with only it; on a v1 or hybrid host, a tmpfs
// with each hierarchy init is in, as /proc/self/cgroup shows them to its
// cgroup namespace.
func mountCgroups(dest string, p parsedMount) error {
	flags := p.flags | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	hierarchies, err := cgroups.Hierarchies()
	if err != nil {
		return err
	}
	if len(hierarchies) == 1 && hierarchies[0] == "" {
		return unix.Mount("cgroup2", dest, "cgroup2", flags, "")
	}
	if err := unix.Mount("tmpfs", dest, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755,size=64k"); err != nil {
		return err
	}
	for _, h := range hierarchies {
		dir, fstype, data := filepath.Join(dest, h), "cgroup", h
		switch {
		case h == "":
			dir, fstype, data = filepath.Join(dest, "unified"), "cgroup2", ""
		case strings.HasPrefix(h, "name="):
			dir, data = filepath.Join(dest, strings.TrimPrefix(h, "name=")), "none,"+h
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := unix.Mount("cgroup", dir, fstype, flags, data); err != nil {
			return fmt.Errorf("mount cgroup %s: %w", h, err)
		}
		// "cpu" and "cpuacct" lead to "cpu,cpuacct", as on the host.
		if parts := strings.Split(h, ","); len(parts) > 1 {
			for _, part := range parts {
				_ = os.Symlink(h, filepath.Join(dest, part))
			}
		}
	}
	if p.flags&unix.MS_RDONLY == 0 {
		return nil
	}
	return unix.Mount("", dest, "", unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=755,size=64k")
}
