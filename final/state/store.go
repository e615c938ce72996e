package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/internal/lockfile"
	"github.com/mydocker/mydocker/final/overlay"
)

// Store is where the containers live: <root>/containers/<id>/, one
// directory each (book 5.2 kept them by name; an ID never collides), and
// <root>/names/<name>, which reserves a name for one ID.
type Store struct {
	Root string // mydocker's --root
}

func (s Store) containersDir() string { return filepath.Join(s.Root, "containers") }
func (s Store) namesDir() string      { return filepath.Join(s.Root, "names") }

// validName is what --name accepts, as docker: it becomes a file name.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// Create makes the directory and config.json of a new container, and
// reserves its name. The directory is made whole under a temporary name
// and renamed into place, so that every container directory has its
// config.json: a run killed half-way leaves only a .tmp- directory. It is
// made before the name is reserved, so that a name always points to a
// directory while its run lives: one that points to none is left over
// (a run killed between the two, or a rm between its removal and the
// name's), and CollectNames frees it.
func (s Store) Create(st *Container) error {
	if err := os.MkdirAll(s.containersDir(), 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(s.containersDir(), ".tmp-"+st.ID)
	st.dir = tmp
	lock, err := s.makeLocked(tmp)
	if err != nil {
		return fmt.Errorf("create container %s: %w", st.ShortID(), err)
	}
	defer lock.Release()
	if err := s.reserveName(st); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// A container that outlives its run (not --rm) is on disk for good
	// once Create returns: ps -a lists it after a crash or a reboot. One
	// that --rm removes need not survive its run.
	durable := !st.AutoRemove
	err = st.save(durable)
	if err == nil {
		st.dir = filepath.Join(s.containersDir(), st.ID)
		err = os.Rename(tmp, st.dir)
	}
	if err == nil && durable {
		err = atomicfile.SyncDir(s.containersDir())
	}
	if err != nil {
		os.RemoveAll(tmp)
		s.releaseName(st)
		return fmt.Errorf("create container %s: %w", st.ShortID(), err)
	}
	return nil
}

// makeLocked makes the directory tmp and takes its lock, which stays ours
// until it is in place: a .tmp- directory whose lock another command gets
// is of a run that died (a kill -9), and that command removes it at once
// (RemoveAbandonedDirs). Between the mkdir and the lock, though, that
// command would get the lock of a run that lives, and remove its
// directory under it: so both are done holding the containers
// directory's lock shared, and RemoveAbandonedDirs looks holding it
// exclusive. The lock goes with the rename's inode, and is let go before
// anything else of ours takes the container's lock, which is the same.
func (s Store) makeLocked(tmp string) (*lockfile.Lock, error) {
	gate, err := lockfile.TakeDirShared(s.containersDir())
	if err != nil {
		return nil, err
	}
	defer gate.Release()
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return nil, err
	}
	lock, err := lockfile.TakeDir(tmp)
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return lock, nil
}

// reserveName takes st.Name for st.ID, or makes up a free name when it
// is empty. It holds the names' lock: taking over a stale name is a
// check, a removal and a creation, and two runs that did those at once
// both ended up with the name.
func (s Store) reserveName(st *Container) error {
	if st.Name != "" && !validName.MatchString(st.Name) {
		return fmt.Errorf("invalid container name %q: want [a-zA-Z0-9][a-zA-Z0-9_.-]*", st.Name)
	}
	if err := os.MkdirAll(s.namesDir(), 0o700); err != nil {
		return err
	}
	lock, err := lockfile.TakeDir(s.namesDir())
	if err != nil {
		return err
	}
	defer lock.Release()
	if st.Name != "" {
		return s.takeName(st.Name, st.ID)
	}
	for i := 0; ; i++ {
		name := randomName(i)
		err := s.takeName(name, st.ID)
		if err == nil {
			st.Name = name
			return nil
		}
		if !errors.Is(err, ErrNameInUse) || i > 100 {
			return err
		}
	}
}

// takeName reserves name for id. Call it with the names' lock held.
func (s Store) takeName(name, id string) error {
	path := filepath.Join(s.namesDir(), name)
	if s.staleName(path) || s.disowned(path, name) {
		os.Remove(path) // the container that held it is gone (or renamed): take it
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %q", ErrNameInUse, name)
	}
	if err != nil {
		return err
	}
	_, err = f.WriteString(id)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// staleName reports whether the reservation at path names a container
// that no longer exists, nor is being made. The .tmp- directory is looked
// for first: Create renames it to the ID and never back, so looking in
// this order never misses a container that is being made.
func (s Store) staleName(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	id := string(b)
	if !IsID(id) {
		return true
	}
	for _, dir := range []string{".tmp-" + id, id} {
		if _, err := os.Lstat(filepath.Join(s.containersDir(), dir)); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return true
}

// CollectNames frees the names whose container is gone (see Create). It
// looks without the lock first: most commands find nothing to collect.
func (s Store) CollectNames() {
	entries, err := os.ReadDir(s.namesDir())
	if err != nil {
		return
	}
	var stale []string
	for _, e := range entries {
		if path := filepath.Join(s.namesDir(), e.Name()); s.staleName(path) {
			stale = append(stale, path)
		}
	}
	if len(stale) == 0 {
		return
	}
	lock, err := lockfile.TakeDir(s.namesDir())
	if err != nil {
		return
	}
	defer lock.Release()
	for _, path := range stale {
		if s.staleName(path) {
			os.Remove(path)
		}
	}
}

// releaseName lets go of the name of st, if it is still st's, under the
// names' lock: a run may be taking it over this instant.
func (s Store) releaseName(st *Container) {
	lock, err := lockfile.TakeDir(s.namesDir())
	if err != nil {
		return
	}
	defer lock.Release()
	path := filepath.Join(s.namesDir(), st.Name)
	if b, err := os.ReadFile(path); err == nil && string(b) == st.ID {
		os.Remove(path)
	}
}

// Damaged is a container directory whose config.json cannot be read (a
// full disk, an editor, a crash of the filesystem). Nothing of it is
// removed but by rm -f: it may be a running container, and its writable
// layer the only copy of its data.
type Damaged struct {
	ID  string
	Dir string
	Err error
}

// Hint is the one line a command says about d: the file, what is wrong,
// and what to do.
func (d Damaged) Hint() string {
	return fmt.Sprintf("container %s cannot be read: %v; remove it with: mydocker rm -f %s", d.ID[:12], d.Err, d.ID)
}

// Lock takes the damaged container's lock, as Store.Lock does a
// container's: rm -f holds it while it removes what the ID names.
func (d Damaged) Lock() (*lockfile.Lock, error) { return lockfile.TakeDir(d.Dir) }

// PathOf is the directory of the container id (an ID, not a name).
func (s Store) PathOf(id string) string { return filepath.Join(s.containersDir(), id) }

// Load reads the config.json of the container id, without its lock; a
// container that does not exist is an fs.ErrNotExist. id must be an ID
// (IsID): it names a directory.
func (s Store) Load(id string) (*Container, error) {
	return load(filepath.Join(s.containersDir(), id))
}

// List returns every container, oldest first. A directory whose
// config.json cannot be read is left out (see Damaged).
func (s Store) List() ([]*Container, error) {
	states, _, err := s.ListAll()
	return states, err
}

// ListAll is List, and the damaged containers besides.
func (s Store) ListAll() ([]*Container, []Damaged, error) {
	entries, err := os.ReadDir(s.containersDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var states []*Container
	var damaged []Damaged
	for _, e := range entries {
		if !IsID(e.Name()) {
			continue
		}
		dir := filepath.Join(s.containersDir(), e.Name())
		st, err := load(dir)
		if err == nil {
			err = st.check(e.Name())
		}
		if err != nil {
			if _, serr := os.Lstat(dir); errors.Is(serr, fs.ErrNotExist) {
				continue // removed meanwhile
			}
			damaged = append(damaged, Damaged{ID: e.Name(), Dir: dir, Err: err})
			continue
		}
		states = append(states, st)
	}
	sort.Slice(states, func(i, j int) bool { return states[i].Created.Before(states[j].Created) })
	return states, damaged, nil
}

// Find returns the container that ref names: an exact name first, as in
// docker, then a full ID, then an ID prefix that only one container has.
// A damaged container that the ID or prefix names is an ErrDamaged, which
// says what to do.
func (s Store) Find(ref string) (*Container, error) {
	if st := s.findFast(ref); st != nil {
		return st, nil
	}
	states, damaged, err := s.ListAll()
	if err != nil {
		return nil, err
	}
	var byPrefix []*Container
	for _, st := range states {
		if st.Name == ref {
			return st, nil
		}
		if ref != "" && strings.HasPrefix(st.ID, ref) {
			byPrefix = append(byPrefix, st)
		}
	}
	var broken []Damaged
	for _, d := range damaged {
		if ref != "" && strings.HasPrefix(d.ID, ref) {
			broken = append(broken, d)
		}
	}
	switch {
	case len(byPrefix) == 1 && len(broken) == 0:
		return byPrefix[0], nil
	case len(byPrefix) == 0 && len(broken) == 1:
		return nil, &DamagedError{Damaged: broken[0]}
	case len(byPrefix)+len(broken) == 0:
		return nil, fmt.Errorf("%w: %s", ErrNotFound, ref)
	}
	return nil, fmt.Errorf("%w: %s (%d containers)", ErrAmbiguous, ref, len(byPrefix)+len(broken))
}

// findFast is Find without reading every container's record, which
// costs a read per container (1,000 of them on a busy host): the name's
// reservation, or the one directory whose ID starts with ref. It returns
// nil whenever the answer is not that plain (no such container, two of
// them, a record that cannot be read or does not agree), and Find then
// looks through them all, as before. Every container holds the
// reservation of its name (reserveName, before its directory appears),
// so a ref without one is no container's name.
func (s Store) findFast(ref string) *Container {
	if validName.MatchString(ref) {
		if id, err := os.ReadFile(filepath.Join(s.namesDir(), ref)); err == nil {
			if st := s.loadChecked(string(id)); st != nil && st.Name == ref {
				return st
			}
			return nil
		}
	}
	if ref == "" {
		return nil
	}
	entries, err := os.ReadDir(s.containersDir())
	if err != nil {
		return nil
	}
	match := ""
	for _, e := range entries {
		if IsID(e.Name()) && strings.HasPrefix(e.Name(), ref) {
			if match != "" {
				return nil // ambiguous: Find says so
			}
			match = e.Name()
		}
	}
	return s.loadChecked(match)
}

// loadChecked is the container of id when its record reads and agrees
// with its directory, else nil.
func (s Store) loadChecked(id string) *Container {
	if !IsID(id) {
		return nil
	}
	st, err := s.Load(id)
	if err != nil || st.check(id) != nil {
		return nil
	}
	return st
}

// DamagedError is what Find returns for a damaged container.
type DamagedError struct{ Damaged Damaged }

func (e *DamagedError) Error() string { return e.Damaged.Hint() }
func (e *DamagedError) Unwrap() error { return ErrDamaged }

// Lock takes the container's own lock: held while its state changes, so
// that two mydocker processes never tear down one container at once. It
// is the lock of the directory itself: a lock file would be made again
// in a directory that its remover is emptying ("directory not empty").
// Once the directory is gone, it fails with fs.ErrNotExist.
func (s Store) Lock(st *Container) (*lockfile.Lock, error) {
	return lockfile.TakeDir(st.dir)
}

// Change runs fn on the container's state as saved, under its lock, as
// every change of a container is made (package containerfs mounts a
// stopped container's layers so). A container removed meanwhile (by rm,
// or its --rm) is no error: fn does not run then.
func (s Store) Change(st *Container, fn func(now *Container) error) error {
	lock, err := s.Lock(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	now, err := s.Reload(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return fn(now)
}

// Reload reads st again, under its lock, as another process may have
// changed it.
func (s Store) Reload(st *Container) (*Container, error) {
	return load(st.dir)
}

// Remove deletes the container: its directory (checked mount by mount:
// a volume that is still mounted stops it) and its name. It writes
// nothing, so that it frees a full disk. Call it with the lock held.
func (s Store) Remove(st *Container) error {
	if err := st.Workspace().Unmount(); err != nil {
		return err
	}
	if err := overlay.RemoveAll(st.dir); err != nil {
		return err
	}
	s.releaseName(st)
	return nil
}
