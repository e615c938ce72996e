package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mydocker/mydocker/final/internal/lockfile"
)

// ErrSameName: rename to the name the container has.
var ErrSameName = errors.New("Renaming a container with the same name as its current name") //nolint:staticcheck // docker's words

// Rename gives st the name name, as docker rename: the new name's
// reservation is taken, the record saved (durably: the name is how the
// user finds it), and only then is the old reservation let go. All three
// are done holding the names' lock, so no run sees the name half-moved;
// a rename killed half-way leaves the other name reserved for a container
// that does not have it, which the next takeName of that name frees
// (disowned). Call it with the container's lock held (Change).
func (s Store) Rename(st *Container, name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name) //nolint:staticcheck // docker's words
	}
	if name == st.Name {
		return ErrSameName
	}
	lock, err := lockfile.TakeDir(s.namesDir())
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := s.takeName(name, st.ID); err != nil {
		if errors.Is(err, ErrNameInUse) {
			holder, _ := os.ReadFile(filepath.Join(s.namesDir(), name))
			return fmt.Errorf("Conflict. The container name %q is already in use by container %q. You have to remove (or rename) that container to be able to reuse that name: %w", "/"+name, string(holder), ErrNameInUse) //nolint:staticcheck // docker's words
		}
		return err
	}
	old := st.Name
	st.Name = name
	if err := st.save(true); err != nil {
		st.Name = old
		os.Remove(filepath.Join(s.namesDir(), name))
		return fmt.Errorf("rename %s: %w", old, err)
	}
	if path := filepath.Join(s.namesDir(), old); readID(path) == st.ID {
		os.Remove(path)
	}
	return nil
}

// disowned reports whether the reservation at path of name is held by a
// container whose record says another name: a rename killed between its
// steps. Call it with the names' lock held, which a rename holds for all
// of them.
func (s Store) disowned(path, name string) bool {
	id := readID(path)
	if !IsID(id) {
		return false // staleName's to judge
	}
	st, err := s.Load(id)
	return err == nil && st.Name != name
}

// readID is the ID a name's reservation holds, "" when it cannot be read.
func readID(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}
