package containerfs

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/state"
)

// PathStat is what docker's archive requests say of a path in a
// container (the X-Docker-Container-Path-Stat header): its mode in Go's
// fs.FileMode bits, as docker's.
type PathStat struct {
	Name       string      `json:"name"`
	Size       int64       `json:"size"`
	Mode       fs.FileMode `json:"mode"`
	Mtime      time.Time   `json:"mtime"`
	LinkTarget string      `json:"linkTarget"`
}

// copySource opens, inside the container's root, the directory that
// holds what src names, and returns it with that entry's name: as
// docker's daemon, src's last element is itself (a symlink is the link),
// unless src ends in "/" or "/." or is "/", when it is followed and name
// is "" (the directory itself). What leads to it is resolved by pathrs
// inside root: a symlink of the container's, even one to "/", never
// leads out of it.
func copySource(root *os.File, src string) (*os.File, string, error) {
	clean := path.Clean("/" + src)
	if clean == "/" || strings.HasSuffix(src, "/") || strings.HasSuffix(src, "/.") {
		h, err := pathrs.OpenatInRoot(root, clean)
		return h, "", err
	}
	dir, err := pathrs.OpenatInRoot(root, path.Dir(clean))
	if err != nil {
		return nil, "", err
	}
	return dir, path.Base(clean), nil
}

// copyBase is the name a tar of src starts its entries with: its last
// element, or "." for a directory's contents ("/" and ".../.").
func copyBase(src string) string {
	base := path.Base(path.Clean("/" + src))
	if base == "/" || strings.HasSuffix(src, "/.") {
		return "."
	}
	return base
}

// StatPath says what src is in the container, without following its last
// element when it is a symlink (see copySource); LinkTarget is then the
// path in the container it points to. A path that is not there is an
// fs.ErrNotExist.
func StatPath(store state.Store, st *state.Container, src string) (PathStat, error) {
	var ps PathStat
	err := withRoot(store, st, func(root *os.File) error {
		dir, name, err := copySource(root, src)
		if err != nil {
			return fmt.Errorf("stat %s in %s: %w", src, st.Name, err)
		}
		defer dir.Close()
		var sys unix.Stat_t
		flags := unix.AT_SYMLINK_NOFOLLOW
		if name == "" {
			flags |= unix.AT_EMPTY_PATH
		}
		if err := unix.Fstatat(int(dir.Fd()), name, &sys, flags); err != nil {
			return fmt.Errorf("stat %s in %s: %w", src, st.Name, err)
		}
		ps = PathStat{Name: copyBase(src), Size: sys.Size, Mode: fileMode(&sys), Mtime: time.Unix(sys.Mtim.Unix())}
		if ps.Name == "." {
			ps.Name = path.Base(path.Clean("/" + src))
		}
		if sys.Mode&unix.S_IFMT == unix.S_IFLNK {
			target, err := readlinkAt(int(dir.Fd()), name)
			if err != nil {
				return fmt.Errorf("stat %s in %s: %w", src, st.Name, err)
			}
			if !path.IsAbs(target) {
				target = path.Join(path.Dir(path.Clean("/"+src)), target)
			}
			ps.LinkTarget = path.Clean(target)
		}
		return nil
	})
	return ps, err
}

// fileMode is a stat's mode in Go's bits: the permissions, and the kind.
func fileMode(st *unix.Stat_t) fs.FileMode {
	m := unixMode(st)
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	}
	return m
}
