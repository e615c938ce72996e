package container

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/sirupsen/logrus"
)

// The small binaries mydocker runs in its own stead, looked for beside
// it: the container's init (cmd/mydocker-init) and its monitor
// (cmd/mydocker-monitor).
const (
	InitBinaryName    = "mydocker-init"
	MonitorBinaryName = "mydocker-monitor"
)

// initBinary is the program NewParentProcess starts as the container's
// init: mydocker-init beside this binary when it is safe to run, else
// this very binary (/proc/self/exe init, as always). mydocker-init is a
// small static binary: it starts some 10 ms sooner than the 19 MB one,
// whose libraries' init()s and page faults init never needed.
// The check is once per process.
var initBinary = sync.OnceValue(func() string { return HelperBinary(InitBinaryName) })

// HelperBinary is the path of the small binary name beside this one when
// it is safe to run, else /proc/self/exe: this very binary, which does
// all that the small ones do (mydocker init, mydocker monitor).
//
// Safe means only root could have put or changed it there: a regular
// file (not a symlink) owned by root and writable by neither group nor
// others, in a directory owned by root and writable by neither. Anything
// else falls back, silently (a debug line says why): mydocker executes
// it as root on the host, before any namespace confines it, so a file
// that someone else could replace would be their code with our
// privileges.
func HelperBinary(name string) string {
	path, err := findHelperBinary(name)
	if err != nil {
		logrus.WithError(err).Debugf("%s: re-executing mydocker", name)
		return "/proc/self/exe"
	}
	logrus.WithField("path", path).Debugf("%s: the small binary beside mydocker", name)
	return path
}

// findHelperBinary is name's path beside the running binary, or why it
// is not to be used.
func findHelperBinary(name string) (string, error) {
	// os.Executable reads /proc/self/exe: the binary running, with its
	// symlinks resolved, whatever PATH or argv[0] said.
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(self)
	if err := rootOnly(dir, syscall.S_IFDIR); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := rootOnly(path, syscall.S_IFREG); err != nil {
		return "", err
	}
	return path, nil
}

// rootOnly checks that path is of kind (S_IFDIR, S_IFREG) as it is, not
// through a symlink, owned by root and writable by no one else.
func rootOnly(path string, kind uint32) error {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case st.Mode&syscall.S_IFMT != kind:
		return fmt.Errorf("%s: not a %s", path, kindName(kind))
	case st.Uid != 0:
		return fmt.Errorf("%s: owned by uid %d, not root", path, st.Uid)
	case st.Mode&0o022 != 0:
		return fmt.Errorf("%s: writable by group or others (mode %o)", path, st.Mode&0o7777)
	}
	return nil
}

func kindName(kind uint32) string {
	if kind == syscall.S_IFDIR {
		return "directory"
	}
	return "regular file"
}
