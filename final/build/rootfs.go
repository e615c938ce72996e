package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/overlay"
)

// rootfs is an image's filesystem, open read-only to look into (WORKDIR's
// check, --chown's /etc/passwd, COPY --from's sources): a detached copy
// of a read-only overlay of its layers, which nobody else sees and which
// goes when it is closed.
type rootfs struct {
	f   *os.File
	tmp string
}

// openRootfs opens img's filesystem (nil: scratch, an empty directory)
// with a scratch directory under tmp.
func openRootfs(images image.Store, img *image.Image, tmp string) (*rootfs, error) {
	dir, err := os.MkdirTemp(tmp, "rootfs-")
	if err != nil {
		return nil, fmt.Errorf("open the image's files: %w", err)
	}
	ws := overlay.Workspace{Path: dir}
	for _, d := range []string{ws.Upper(), ws.Merged()} {
		if err := os.Mkdir(d, 0o700); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	var f *os.File
	if img == nil || len(img.Layers) == 0 {
		f, err = os.Open(ws.Upper())
	} else {
		f, err = ws.OpenLayers(images.Lowers(img))
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("open the image's files: %w", err)
	}
	return &rootfs{f: f, tmp: dir}, nil
}

// Path names the open root as a directory path, for what wants one.
func (r *rootfs) Path() string { return "/proc/self/fd/" + strconv.Itoa(int(r.f.Fd())) }

func (r *rootfs) Close() {
	r.f.Close()
	os.RemoveAll(r.tmp)
}

// exists reports whether path (absolute in the image) is there, and a
// directory (a symlink to one is one, as COPY follows it), resolved
// inside the root: an image's absolute symlink never leads out of it.
func (r *rootfs) exists(path string) (isDir, ok bool) {
	fd, err := unix.Openat2(int(r.f.Fd()), strings.TrimPrefix(filepath.Clean("/"+path), "/")+"/.",
		&unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT})
	if err == nil {
		unix.Close(fd)
		return true, true
	}
	fd, err = unix.Openat2(int(r.f.Fd()), strings.TrimPrefix(filepath.Clean("/"+path), "/"),
		&unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC | unix.O_NOFOLLOW, Resolve: unix.RESOLVE_IN_ROOT})
	if err != nil {
		return false, false
	}
	unix.Close(fd)
	return false, true
}
