package container

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestState records a container named name with the given ID.
func newTestState(t *testing.T, s Store, id, name string) *State {
	t.Helper()
	st := &State{ID: id, Name: name, Created: time.Now(), Status: Exited}
	require.NoError(t, s.create(st))
	return st
}

func TestFindByNameIDAndPrefix(t *testing.T) {
	s := Store{Root: t.TempDir()}
	a := newTestState(t, s, "ab"+newID()[2:], "first")
	b := newTestState(t, s, "ac"+newID()[2:], "second")
	// A container whose name is the other's ID prefix: the name wins.
	c := newTestState(t, s, "ff"+newID()[2:], a.ID[:4])

	for ref, want := range map[string]*State{
		"first": a, a.ID: a, b.ID[:3]: b, a.ID[:4]: c, "second": b,
	} {
		got, err := s.Find(ref)
		require.NoError(t, err, ref)
		assert.Equal(t, want.ID, got.ID, ref)
	}
	_, err := s.Find("a")
	assert.ErrorIs(t, err, ErrAmbiguous)
	_, err = s.Find("nosuch")
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.Find("")
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestANameIsTakenOnceEvenByRunsAtOnce(t *testing.T) {
	s := Store{Root: t.TempDir()}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.create(&State{ID: newID(), Name: "twin", Created: time.Now()})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assert.True(t, errors.Is(err, ErrNameInUse), err)
		}
	}
	assert.Equal(t, 1, won)
}

func TestANameComesBackWhenItsContainerIsRemoved(t *testing.T) {
	s := Store{Root: t.TempDir()}
	st := newTestState(t, s, newID(), "reused")
	require.NoError(t, s.remove(st))
	newTestState(t, s, newID(), "reused")
}

func TestNamesAreCheckedAndMadeUp(t *testing.T) {
	s := Store{Root: t.TempDir()}
	for _, bad := range []string{"-x", "a/b", ".hidden", "a b"} {
		err := s.create(&State{ID: newID(), Name: bad})
		assert.ErrorContains(t, err, "invalid container name", bad)
	}
	st := newTestState(t, s, newID(), "")
	assert.Regexp(t, `^[a-z]+_[a-z]+(_\d+)?$`, st.Name)
	assert.True(t, isID(st.ID))
	assert.False(t, isID(""), "an empty ID never names a cgroup")
}

func TestAStaleNameIsTakenOverOnceByRunsAtOnce(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, os.MkdirAll(s.namesDir(), 0o700))
	for round := 0; round < 20; round++ {
		// The name of a container that is gone.
		path := filepath.Join(s.namesDir(), "twin")
		require.NoError(t, os.WriteFile(path, []byte(newID()), 0o600))
		old := time.Now().Add(-time.Minute)
		require.NoError(t, os.Chtimes(path, old, old))
		var wg sync.WaitGroup
		states := make([]*State, 8)
		errs := make([]error, len(states))
		for i := range states {
			wg.Add(1)
			go func() {
				defer wg.Done()
				states[i] = &State{ID: newID(), Name: "twin", Created: time.Now()}
				errs[i] = s.create(states[i])
			}()
		}
		wg.Wait()
		var won []*State
		for i, err := range errs {
			if err == nil {
				won = append(won, states[i])
			}
		}
		require.Len(t, won, 1, "round %d", round)
		require.NoError(t, s.remove(won[0]))
	}
}

func TestANameLeftByAKilledRunIsCollected(t *testing.T) {
	s := Store{Root: t.TempDir()}
	kept := newTestState(t, s, newID(), "kept")
	require.NoError(t, os.WriteFile(filepath.Join(s.namesDir(), "left"), []byte(newID()), 0o600))
	s.collectNames()
	names, err := os.ReadDir(s.namesDir())
	require.NoError(t, err)
	require.Len(t, names, 1)
	assert.Equal(t, kept.Name, names[0].Name())
}

func TestADamagedConfigIsListedApartAndFoundForRm(t *testing.T) {
	s := Store{Root: t.TempDir()}
	good := newTestState(t, s, newID(), "good")
	bad := newTestState(t, s, newID(), "bad")
	require.NoError(t, os.WriteFile(filepath.Join(bad.Dir(), "config.json"), []byte(`{"id": tr`), 0o600))
	Reconcile(s)
	states, damaged, err := s.ListAll()
	require.NoError(t, err)
	require.Len(t, states, 1)
	assert.Equal(t, good.ID, states[0].ID)
	require.Len(t, damaged, 1)
	assert.Contains(t, damaged[0].Hint(), filepath.Join(bad.Dir(), "config.json"))
	assert.DirExists(t, bad.Dir())
	_, err = s.Find(bad.ID[:8])
	var de *DamagedError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, ErrDamaged)
	assert.Equal(t, bad.ID, de.Damaged.ID)
}

// A command's removeAbandonedDirs runs while other runs make their
// containers: it takes no .tmp- directory of a run that lives, even one
// between its mkdir and its lock (the 50 runs -d at once that lost theirs).
func TestRunsAtOnceKeepTheirDirectoriesFromTidying(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, os.MkdirAll(s.containersDir(), 0o700))
	done := make(chan struct{})
	tidied := make(chan struct{})
	go func() {
		defer close(tidied)
		for {
			select {
			case <-done:
				return
			default:
				removeAbandonedDirs(s)
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.create(&State{ID: newID(), Created: time.Now()})
		}()
	}
	wg.Wait()
	close(done)
	<-tidied
	for _, err := range errs {
		assert.NoError(t, err)
	}
	entries, err := os.ReadDir(s.containersDir())
	require.NoError(t, err)
	assert.Equal(t, len(errs), len(entries), "every run's directory, in place")
}

func TestADirectoryOfARunKilledBeforeTheRenameIsRemoved(t *testing.T) {
	s := Store{Root: t.TempDir()}
	dead := filepath.Join(s.containersDir(), ".tmp-"+newID())
	require.NoError(t, os.MkdirAll(dead, 0o700))
	removeAbandonedDirs(s)
	assert.NoDirExists(t, dead)
}
