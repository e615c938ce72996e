package container

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

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

// create makes the directory and config.json of a new container, and
// reserves its name. The directory is made whole under a temporary name
// and renamed into place, so that every container directory has its
// config.json: a run killed half-way leaves only a .tmp- directory.
func (s Store) create(st *State) error {
	if err := os.MkdirAll(s.containersDir(), 0o700); err != nil {
		return err
	}
	if err := s.reserveName(st); err != nil {
		return err
	}
	tmp := filepath.Join(s.containersDir(), ".tmp-"+st.ID)
	st.dir = tmp
	err := os.Mkdir(tmp, 0o700)
	if err == nil {
		err = st.save()
	}
	if err == nil {
		st.dir = filepath.Join(s.containersDir(), st.ID)
		err = os.Rename(tmp, st.dir)
	}
	if err != nil {
		os.RemoveAll(tmp)
		s.releaseName(st)
		return fmt.Errorf("create container %s: %w", st.ShortID(), err)
	}
	return nil
}

// reserveName takes st.Name for st.ID, or makes up a free name when it
// is empty. O_EXCL makes it atomic: of two runs that want one name at
// the same time, exactly one gets it.
func (s Store) reserveName(st *State) error {
	if err := os.MkdirAll(s.namesDir(), 0o700); err != nil {
		return err
	}
	if st.Name != "" {
		if !validName.MatchString(st.Name) {
			return fmt.Errorf("invalid container name %q: want [a-zA-Z0-9][a-zA-Z0-9_.-]*", st.Name)
		}
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

func (s Store) takeName(name, id string) error {
	path := filepath.Join(s.namesDir(), name)
	for try := 0; try < 2; try++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.WriteString(id)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			return err
		}
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		if !s.staleName(path) {
			break
		}
		os.Remove(path) // the container that held it is gone: take it
	}
	return fmt.Errorf("%w: %q", ErrNameInUse, name)
}

// staleName reports whether the reservation at path names a container
// that no longer exists, nor is being made (a run killed in between).
func (s Store) staleName(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	id := string(b)
	for _, dir := range []string{id, ".tmp-" + id} {
		if _, err := os.Stat(filepath.Join(s.containersDir(), dir)); err == nil {
			return false
		}
	}
	info, err := os.Stat(path)
	// Not one being written this instant.
	return err == nil && time.Since(info.ModTime()) > time.Second
}

// releaseName lets go of the name of st, if it is still st's.
func (s Store) releaseName(st *State) {
	path := filepath.Join(s.namesDir(), st.Name)
	if b, err := os.ReadFile(path); err == nil && string(b) == st.ID {
		os.Remove(path)
	}
}

// List returns every container, oldest first. A directory whose
// config.json cannot be read is skipped (Reconcile removes it).
func (s Store) List() ([]*State, error) {
	entries, err := os.ReadDir(s.containersDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var states []*State
	for _, e := range entries {
		if !isID(e.Name()) {
			continue
		}
		st, err := loadState(filepath.Join(s.containersDir(), e.Name()))
		if err != nil || st.ID != e.Name() {
			continue
		}
		states = append(states, st)
	}
	sort.Slice(states, func(i, j int) bool { return states[i].Created.Before(states[j].Created) })
	return states, nil
}

// Find returns the container that ref names: an exact name first, as in
// docker, then a full ID, then an ID prefix that only one container has.
func (s Store) Find(ref string) (*State, error) {
	states, err := s.List()
	if err != nil {
		return nil, err
	}
	var byPrefix []*State
	for _, st := range states {
		if st.Name == ref {
			return st, nil
		}
		if ref != "" && strings.HasPrefix(st.ID, ref) {
			byPrefix = append(byPrefix, st)
		}
	}
	switch len(byPrefix) {
	case 1:
		return byPrefix[0], nil
	case 0:
		return nil, fmt.Errorf("%w: %s", ErrNotFound, ref)
	}
	return nil, fmt.Errorf("%w: %s (%d containers)", ErrAmbiguous, ref, len(byPrefix))
}

// lock takes the container's own lock: held while its state changes, so
// that two mydocker processes never tear down one container at once.
func (s Store) lock(st *State) (*lockfile.Lock, error) {
	return lockfile.Take(st.lockPath())
}

// change runs fn on the container's state as saved, under its lock. A
// container removed meanwhile (by rm, or its --rm) is no error: fn does
// not run then.
func (s Store) change(st *State, fn func(now *State) error) error {
	lock, err := s.lock(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	now, err := s.reload(st)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return fn(now)
}

// reload reads st again, under its lock, as another process may have
// changed it.
func (s Store) reload(st *State) (*State, error) {
	return loadState(st.dir)
}

// remove deletes the container: its directory (checked mount by mount:
// a volume that is still mounted stops it) and its name.
func (s Store) remove(st *State) error {
	if err := st.Workspace().Unmount(); err != nil {
		return err
	}
	if err := overlay.RemoveAll(st.dir); err != nil {
		return err
	}
	s.releaseName(st)
	return nil
}
