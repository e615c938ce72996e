package initproc

import (
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// hostDevice is a device node of the host's /dev, for --privileged.
type hostDevice struct {
	path string // under /dev
	mode uint32
	rdev uint64
	uid  int
	gid  int
}

// listHostDevices lists the host's device nodes, before the pivot: a
// privileged container gets them all, as docker's does (but not the
// host's devpts, shm or mqueue: it has its own).
func listHostDevices() []hostDevice {
	var list []hostDevice
	_ = filepath.WalkDir("/dev", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && path != "/dev" && (strings.HasPrefix(path, "/dev/pts") || strings.HasPrefix(path, "/dev/shm") || strings.HasPrefix(path, "/dev/mqueue")) {
			return filepath.SkipDir
		}
		var st unix.Stat_t
		if unix.Lstat(path, &st) != nil {
			return nil
		}
		if typ := st.Mode & unix.S_IFMT; typ == unix.S_IFCHR || typ == unix.S_IFBLK {
			list = append(list, hostDevice{path: path, mode: st.Mode, rdev: st.Rdev, uid: int(st.Uid), gid: int(st.Gid)})
		}
		return nil
	})
	return list
}
