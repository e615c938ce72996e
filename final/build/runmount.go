package build

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/build/buildctx"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/internal/lockfile"
	"github.com/mydocker/mydocker/final/overlay"
)

// runMounts are a RUN's --mount flags made into the step container's
// mounts, as BuildKit makes them:
//
//   - bind: files of the context (or of a stage or an image, from=),
//     read-only unless rw, where writes are thrown away: a copy of them,
//     made for the step, is bound;
//   - cache: a directory kept between builds, <root>/build/cache-mounts,
//     one per id (the target by default), that no layer holds;
//   - tmpfs: a tmpfs of the step's own;
//   - secret and ssh: there is no --secret or --ssh here: a required one
//     fails the step, another is left out.
//
// None of them is in the step's layer: the mount points the container
// needed are taken out of it after (removeStubs).
type runMounts struct {
	volumes []overlay.Volume
	tmpfs   []overlay.Tmpfs
	targets []string // absolute, in the container
	// key is what the mounts add to the step's cache key: each one's
	// kind, options and, for a bind, the checksum of what it shows.
	key   string
	locks []*lockfile.Lock
	// copies make the binds' files, when the step runs.
	copies []func() error
}

// materialize makes the binds' copies, just before the step's container.
func (rm *runMounts) materialize() error {
	for _, c := range rm.copies {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// runMounts prepares c's mounts; release undoes what they hold.
func (s *stage) runMounts(c *instructions.RunCommand) (*runMounts, error) {
	rm := &runMounts{}
	var key strings.Builder
	for i, m := range instructions.GetMounts(c) {
		if m.Target == "" && m.Type != instructions.MountTypeSecret && m.Type != instructions.MountTypeSSH {
			rm.release()
			return nil, fmt.Errorf("RUN --mount: type=%s needs a target", m.Type)
		}
		target := workdir(s.cfg.Config.WorkingDir, m.Target)
		var err error
		switch m.Type {
		case instructions.MountTypeBind:
			err = s.bindMount(rm, &key, i, m, target)
		case instructions.MountTypeCache:
			err = s.cacheMount(rm, &key, m, target)
		case instructions.MountTypeTmpfs:
			opts := []string{}
			if m.SizeLimit > 0 {
				opts = append(opts, "size="+strconv.FormatInt(m.SizeLimit, 10))
			}
			rm.tmpfs = append(rm.tmpfs, overlay.Tmpfs{Container: target, Options: opts})
			rm.targets = append(rm.targets, target)
			fmt.Fprintf(&key, "tmpfs %s %d\x00", target, m.SizeLimit)
		default: // secret, ssh
			if m.Required {
				err = fmt.Errorf("RUN --mount=type=%s is required, and this builder has no --%s", m.Type, m.Type)
			}
		}
		if err != nil {
			rm.release()
			return nil, err
		}
	}
	rm.key = key.String()
	return rm, nil
}

// bindMount copies the source's files (a directory's, or one file) into
// a directory of the step's own and binds that: the container never
// sees the context's own files, nor .dockerignore'd ones.
func (s *stage) bindMount(rm *runMounts, key *strings.Builder, i int, m *instructions.Mount, target string) error {
	src, done, err := s.copySource(m.From)
	if err != nil {
		return fmt.Errorf("RUN --mount=type=bind: %w", err)
	}
	defer done()
	from := strings.TrimPrefix(path.Clean("/"+m.Source), "/")
	if from == "" {
		from = "."
	}
	dir := filepath.Join(s.b.tmp, "mount-"+strconv.Itoa(s.step)+"-"+strconv.Itoa(i))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("RUN --mount=type=bind: %w", err)
	}
	spec := buildctx.CopySpec{Sources: []string{from}, Dest: "/", UID: -1, GID: -1}
	sum, err := src.Checksum(spec)
	if err != nil {
		return fmt.Errorf("RUN --mount=type=bind,source=%s: %w", m.Source, err)
	}
	isDir, err := src.IsDir(from)
	if err != nil {
		return fmt.Errorf("RUN --mount=type=bind,source=%s: %w", m.Source, err)
	}
	host := dir
	if !isDir { // one file: bound as itself
		spec.Dest = "/" + path.Base(from)
		host = filepath.Join(dir, path.Base(from))
	}
	// The copy is made only if the step runs (not when it is cached).
	rm.copies = append(rm.copies, func() error {
		src, done, err := s.copySource(m.From)
		if err != nil {
			return err
		}
		defer done()
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(src.WriteLayer(pw, spec, onlyRoot)) }()
		err = image.Unpack(pr, dir)
		pr.CloseWithError(errors.New("RUN --mount: the copy is made"))
		if err != nil {
			return fmt.Errorf("RUN --mount=type=bind,source=%s: %w", m.Source, err)
		}
		return nil
	})
	rm.volumes = append(rm.volumes, overlay.Volume{Host: host, Container: target, ReadOnly: m.ReadOnly})
	rm.targets = append(rm.targets, target)
	fmt.Fprintf(key, "bind %s from=%q %s ro=%t\x00", target, m.From, sum, m.ReadOnly)
	return nil
}

// onlyRoot is an empty directory's answer to "is this there?".
func onlyRoot(p string) (bool, bool) { return p == "/", p == "/" }

// cacheMount binds the cache directory of m's id, made on first use
// with m's mode and owner (0755, root's). sharing=locked and private
// wait for the step that has it, as one writer at a time; shared (the
// default) lets steps of builds side by side use it together. Either
// holds a lock of the directory while the step runs.
func (s *stage) cacheMount(rm *runMounts, key *strings.Builder, m *instructions.Mount, target string) error {
	if m.From != "" {
		return fmt.Errorf("RUN --mount=type=cache,from=%s: a cache seeded from a stage is not supported", m.From)
	}
	id := m.CacheID
	if id == "" {
		id = target
	}
	dir := cacheMountDir(s.b.opts.Root, id)
	if err := makeCacheDir(dir, m); err != nil {
		return fmt.Errorf("RUN --mount=type=cache,id=%s: %w", id, err)
	}
	take := lockfile.TakeDirShared // held while the step runs: a prune waits
	if m.CacheSharing == instructions.MountSharingLocked || m.CacheSharing == instructions.MountSharingPrivate {
		take = lockfile.TakeDir
	}
	lock, err := take(dir)
	if err != nil {
		return fmt.Errorf("RUN --mount=type=cache,id=%s: %w", id, err)
	}
	rm.locks = append(rm.locks, lock)
	rm.volumes = append(rm.volumes, overlay.Volume{Host: filepath.Join(dir, "data"), Container: target, ReadOnly: m.ReadOnly})
	rm.targets = append(rm.targets, target)
	// Not its content: a cache is what a step may find there or not.
	fmt.Fprintf(key, "cache %s id=%q ro=%t\x00", target, id, m.ReadOnly)
	return nil
}

// makeCacheDir makes <dir>/data, the cache's directory, on first use.
func makeCacheDir(dir string, m *instructions.Mount) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	mode := os.FileMode(0o755)
	if m.Mode != nil {
		mode = os.FileMode(*m.Mode) & os.ModePerm
	}
	if err := os.Mkdir(data, mode); errors.Is(err, os.ErrExist) {
		return nil
	} else if err != nil {
		return err
	}
	uid, gid := 0, 0
	if m.UID != nil {
		uid = int(*m.UID)
	}
	if m.GID != nil {
		gid = int(*m.GID)
	}
	if err := os.Lchown(data, uid, gid); err != nil {
		return err
	}
	return os.Chmod(data, mode) // past the umask
}

func (rm *runMounts) release() {
	for _, l := range rm.locks {
		l.Release()
	}
	rm.locks = nil
}

// removeStubs takes out of the step's writable layer the mount points
// made for its mounts, and the directories made for them, where the
// image had none and the RUN left them empty: a --mount is not a change
// of the filesystem.
func (s *stage) removeStubs(upper *os.File, targets []string) error {
	if len(targets) == 0 {
		return nil
	}
	root, err := openRootfs(s.b.images, s.img, s.b.tmp)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, t := range targets {
		for p := t; p != "/"; p = path.Dir(p) {
			if _, ok := root.exists(p); ok {
				break
			}
			if !removeEmpty(upper, strings.TrimPrefix(p, "/")) {
				break
			}
		}
	}
	return nil
}

// removeEmpty removes rel from dir when it is an empty directory or an
// empty file, never following a symlink; it says whether it did.
func removeEmpty(dir *os.File, rel string) bool {
	parent, name := path.Split(rel)
	pfd := int(dir.Fd())
	if parent != "" {
		fd, err := unix.Openat2(pfd, parent, &unix.OpenHow{
			Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_BENEATH,
		})
		if err != nil {
			return false
		}
		defer unix.Close(fd)
		pfd = fd
	}
	var st unix.Stat_t
	if unix.Fstatat(pfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return false
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return unix.Unlinkat(pfd, name, unix.AT_REMOVEDIR) == nil // fails when not empty
	case unix.S_IFREG:
		return st.Size == 0 && unix.Unlinkat(pfd, name, 0) == nil
	}
	return false
}
