package overlay

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// maxMountData is what mount(2) copies of its options: one page. An image
// of 40 layers under a state root such as /var/lib/mydocker would not fit
// as full paths (40 × ~90 bytes), so each layer is opened and named by
// its short /proc/self/fd/N instead, which the kernel resolves to the
// directory when it mounts (docker makes short symlinks for the same end).
const maxMountData = 4096

// lowerdirs opens the layers (top first) and returns overlayfs's lowerdir
// value naming them, and a function that closes them once mounted.
func lowerdirs(layers []string) (string, func(), error) {
	var fds []int
	done := func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
	var names []string
	for _, dir := range layers {
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			done()
			return "", nil, fmt.Errorf("open layer %s: %w", dir, err)
		}
		fds = append(fds, fd)
		names = append(names, fmt.Sprintf("/proc/self/fd/%d", fd))
	}
	return strings.Join(names, ":"), done, nil
}

// mountOverlay mounts an overlay of layers (top first) on target, with
// upper and work unless readOnly.
func mountOverlay(target string, layers []string, upper, work string) error {
	lower, done, err := lowerdirs(layers)
	if err != nil {
		return err
	}
	defer done()
	opts := "lowerdir=" + lower
	flags := uintptr(0)
	if upper != "" {
		opts += ",upperdir=" + upper + ",workdir=" + work
	} else {
		flags = unix.MS_RDONLY
	}
	if len(opts) >= maxMountData {
		return fmt.Errorf("mount overlay on %s: %d layers are more than overlayfs's options can name", target, len(layers))
	}
	if err := unix.Mount("overlay", target, "overlay", flags, opts); err != nil {
		return fmt.Errorf("mount overlay of %d layers on %s: %w", len(layers), target, err)
	}
	return nil
}
