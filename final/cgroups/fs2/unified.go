package fs2

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// unifiedControllers checks linux.resources.unified's keys as runc does
// and returns the controllers they name, which Set enables: a key is a
// file name of the cgroup, CONTROLLER.PARAMETER, of a controller the
// hierarchy has (available, its root's cgroup.controllers) or of the
// cgroup core ("cgroup.*"), and never a path.
func unifiedControllers(available string, unified map[string]string) ([]string, error) {
	var names []string
	for _, key := range sortedKeys(unified) {
		if strings.Contains(key, "/") || key == "." || key == ".." {
			return nil, fmt.Errorf("unified resource %q must be a file name (no slashes)", key)
		}
		c, param, ok := strings.Cut(key, ".")
		if !ok || c == "" || param == "" {
			return nil, fmt.Errorf("unified resource %q must be in the form CONTROLLER.PARAMETER", key)
		}
		if c == "cgroup" {
			continue
		}
		if !contains(strings.Fields(available), c) {
			return nil, fmt.Errorf("unified resource %q can't be set: controller %q not available (have: %s)", key, c, available)
		}
		if !contains(names, c) {
			names = append(names, c)
		}
	}
	return names, nil
}

// setUnified writes each value into the file of its key, last, so that it
// overrides what the spec's other fields wrote (as runc). A value of
// several lines (io.max of several devices) is written a line at a time:
// such files take one line per write. The files are opened beneath the
// cgroup's directory and never through a symlink.
func setUnified(dir string, unified map[string]string) error {
	if len(unified) == 0 {
		return nil
	}
	d, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open cgroup %s: %w", dir, err)
	}
	defer unix.Close(d)
	for _, key := range sortedKeys(unified) {
		if err := writeBeneath(d, key, unified[key]); err != nil {
			return fmt.Errorf("unable to set unified resource %q in %s: %w", key, dir, err)
		}
	}
	return nil
}

// writeBeneath writes value, line by line, to the file name in the
// directory d: through openat2 with RESOLVE_BENEATH and
// RESOLVE_NO_SYMLINKS, or O_NOFOLLOW on kernels before 5.6.
func writeBeneath(d int, name, value string) error {
	how := unix.OpenHow{
		Flags:   unix.O_WRONLY | unix.O_TRUNC | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
	}
	fd, err := unix.Openat2(d, name, &how)
	if errors.Is(err, unix.ENOSYS) {
		fd, err = unix.Openat(d, name, unix.O_WRONLY|unix.O_TRUNC|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	}
	if err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	lines := strings.Split(strings.TrimRight(value, "\n"), "\n")
	for _, line := range lines {
		if _, err := f.WriteString(line); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
