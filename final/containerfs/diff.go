package containerfs

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// Change is one line of docker diff: a path of the container's
// filesystem that was added (A), changed (C) or deleted (D).
type Change struct {
	Kind byte
	Path string
}

func (c Change) String() string { return string(c.Kind) + " " + c.Path }

// whiteout marks a deleted name in a layer tar; an opaque directory's
// marker hides the lower layers' entries and is no change of its own.
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// Diff lists what the container changed in its image, as docker diff.
// Its writable layer is read the way commit reads it (image.ExportDiff:
// every entry opened relative to its open parent, no path the container
// could redirect), whiteouts becoming D; a path that the image's layers
// have is then C, one they do not is A. The layers are looked up on
// descriptors too, each path resolved inside its layer.
func Diff(store state.Store, st *state.Container) ([]Change, error) {
	images := image.Store{Root: store.Root}
	img, err := images.Get(st.ImageID)
	if err != nil {
		return nil, fmt.Errorf("diff %s: its image: %w", st.Name, err)
	}
	lowers, err := openLayers(images.Lowers(img))
	if err != nil {
		return nil, fmt.Errorf("diff %s: %w", st.Name, err)
	}
	defer closeAll(lowers)
	upper, err := openChanges(st.Workspace())
	if err != nil {
		return nil, err
	}
	defer upper.Close()
	r, w := io.Pipe()
	go func() { w.CloseWithError(image.ExportDiff(upper, w)) }()
	defer r.Close()
	var changes []Change
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("diff %s: %w", st.Name, err)
		}
		rel := path.Clean(strings.TrimPrefix(hdr.Name, "./"))
		dir, base := path.Split(rel)
		switch {
		case base == opaqueMarker:
		case strings.HasPrefix(base, whiteoutPrefix):
			changes = append(changes, Change{'D', "/" + path.Join(dir, strings.TrimPrefix(base, whiteoutPrefix))})
		case inLayers(lowers, rel):
			changes = append(changes, Change{'C', "/" + rel})
		default:
			changes = append(changes, Change{'A', "/" + rel})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return withoutEtcBinds(changes), nil
}

// etcBinds are the files that init makes, where the image has none, to
// bind the container's own hostname, hosts and resolv.conf over: docker
// makes them in a layer of its own ("-init"), which diff does not show.
var etcBinds = map[string]bool{"/etc/hostname": true, "/etc/hosts": true, "/etc/resolv.conf": true}

// withoutEtcBinds drops the etcBinds that were added, and /etc's own
// change when they were all it had.
func withoutEtcBinds(changes []Change) []Change {
	kept := changes[:0]
	dropped, others := false, false
	for _, c := range changes {
		switch {
		case c.Kind == 'A' && etcBinds[c.Path]:
			dropped = true
			continue
		case strings.HasPrefix(c.Path, "/etc/"):
			others = true
		}
		kept = append(kept, c)
	}
	if !dropped || others {
		return kept
	}
	out := kept[:0]
	for _, c := range kept {
		if c.Path != "/etc" || c.Kind != 'C' {
			out = append(out, c)
		}
	}
	return out
}

// openLayers opens the image's layer directories, top first.
func openLayers(dirs []string) ([]int, error) {
	var fds []int
	for _, dir := range dirs {
		fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			closeAll(fds)
			return nil, fmt.Errorf("open layer %s: %w", dir, err)
		}
		fds = append(fds, fd)
	}
	return fds, nil
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

// inLayers reports whether the image shows the path rel: the first layer,
// from the top, that has an entry for it decides (a whiteout, a 0:0
// character device, hides it). Each lookup resolves inside its layer
// (RESOLVE_IN_ROOT), as a committed image's layer holds the container's
// own symlinks.
func inLayers(layers []int, rel string) bool {
	dir, base := path.Split(rel)
	for _, layer := range layers {
		var st unix.Stat_t
		found, err := statIn(layer, dir, base, &st)
		if err != nil || !found {
			continue
		}
		whiteout := st.Mode&unix.S_IFMT == unix.S_IFCHR && st.Rdev == 0
		return !whiteout
	}
	return false
}

// statIn lstats base in the directory dir of the layer, dir resolved
// inside the layer.
func statIn(layer int, dir, base string, st *unix.Stat_t) (bool, error) {
	parent := layer
	if dir = strings.Trim(dir, "/"); dir != "" {
		fd, err := unix.Openat2(layer, dir, &unix.OpenHow{
			Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
		})
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		defer unix.Close(fd)
		parent = fd
	}
	err := unix.Fstatat(parent, base, st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return false, nil
	}
	return err == nil, err
}
