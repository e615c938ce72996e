package initproc

import (
	"fmt"
	"os"

	"github.com/mydocker/mydocker/final/mountfd"
)

// bindEtcFiles binds the container's own files (hostname, hosts,
// resolv.conf, written in its directory) over the image's, before the
// pivot, while the host's paths are still in reach. The image's path is
// opened inside the root, never through a symlink out of it, made when
// the image has no such file, checked to be a file, and the bind made on
// that descriptor (mountfd): a name swapped since cannot move it. The
// binds are the container's mount namespace's alone: they go when it
// goes.
func bindEtcFiles(root string, binds map[string]string) error {
	rootDir, err := mountfd.OpenRoot(root)
	if err != nil {
		return fmt.Errorf("open the container's root: %w", err)
	}
	defer rootDir.Close()
	for target, source := range binds {
		if err := bindEtcFile(rootDir, target, source); err != nil {
			return fmt.Errorf("bind %s: %w", target, err)
		}
	}
	return nil
}

// bindEtcFile binds source (ours, on the host) onto the image's file
// at target, which must be a regular file.
func bindEtcFile(root *os.File, target, source string) error {
	handle, err := mountfd.OpenTarget(root, target, mountfd.File)
	if err != nil {
		return err
	}
	defer handle.Close()
	info, err := handle.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file in the image", target)
	}
	return mountfd.BindOnto(source, handle, 0)
}
