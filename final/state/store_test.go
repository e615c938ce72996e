package state

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

// newTestContainer records a container named name with the given ID.
func newTestContainer(t *testing.T, s Store, id, name string) *Container {
	t.Helper()
	st := &Container{ID: id, Name: name, Created: time.Now(), Status: Exited}
	require.NoError(t, s.Create(st))
	return st
}

func TestFindByNameIDAndPrefix(t *testing.T) {
	s := Store{Root: t.TempDir()}
	a := newTestContainer(t, s, "ab"+NewID()[2:], "first")
	b := newTestContainer(t, s, "ac"+NewID()[2:], "second")
	// A container whose name is the other's ID prefix: the name wins.
	c := newTestContainer(t, s, "ff"+NewID()[2:], a.ID[:4])

	for ref, want := range map[string]*Container{
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

func TestFindByNameOrPrefixReadsOnlyThatContainer(t *testing.T) {
	// Find's quick way (findFast): a name's reservation, or the one
	// directory an ID prefix names. Another container's record, damaged
	// here, is not read: the full list would have made it a Damaged.
	s := Store{Root: t.TempDir()}
	a := newTestContainer(t, s, "ab"+NewID()[2:], "first")
	other := newTestContainer(t, s, "cd"+NewID()[2:], "other")
	require.NoError(t, os.WriteFile(filepath.Join(s.containersDir(), other.ID, "config.json"), []byte("{garbage"), 0o600))
	assert.Equal(t, a.ID, s.findFast("first").ID)
	assert.Equal(t, a.ID, s.findFast("ab").ID)
	assert.Equal(t, a.ID, s.findFast(a.ID).ID)
	// Not plain: Find looks at them all, and says what it found.
	assert.Nil(t, s.findFast("cd"), "a damaged record")
	_, err := s.Find("cd")
	assert.ErrorIs(t, err, ErrDamaged)
	assert.Nil(t, s.findFast("other"))
	// A reservation that names another container (a crash between a
	// removal and its name's) is not believed.
	require.NoError(t, os.WriteFile(filepath.Join(s.namesDir(), "stale"), []byte(a.ID), 0o600))
	assert.Nil(t, s.findFast("stale"))
	_, err = s.Find("stale")
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
			errs[i] = s.Create(&Container{ID: NewID(), Name: "twin", Created: time.Now()})
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
	st := newTestContainer(t, s, NewID(), "reused")
	require.NoError(t, s.Remove(st))
	newTestContainer(t, s, NewID(), "reused")
}

func TestNamesAreCheckedAndMadeUp(t *testing.T) {
	s := Store{Root: t.TempDir()}
	for _, bad := range []string{"-x", "a/b", ".hidden", "a b"} {
		err := s.Create(&Container{ID: NewID(), Name: bad})
		assert.ErrorContains(t, err, "invalid container name", bad)
	}
	st := newTestContainer(t, s, NewID(), "")
	assert.Regexp(t, `^[a-z]+_[a-z]+(_\d+)?$`, st.Name)
	assert.True(t, IsID(st.ID))
	assert.False(t, IsID(""), "an empty ID never names a cgroup")
}

func TestAStaleNameIsTakenOverOnceByRunsAtOnce(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, os.MkdirAll(s.namesDir(), 0o700))
	for round := 0; round < 20; round++ {
		// The name of a container that is gone.
		path := filepath.Join(s.namesDir(), "twin")
		require.NoError(t, os.WriteFile(path, []byte(NewID()), 0o600))
		old := time.Now().Add(-time.Minute)
		require.NoError(t, os.Chtimes(path, old, old))
		var wg sync.WaitGroup
		states := make([]*Container, 8)
		errs := make([]error, len(states))
		for i := range states {
			wg.Add(1)
			go func() {
				defer wg.Done()
				states[i] = &Container{ID: NewID(), Name: "twin", Created: time.Now()}
				errs[i] = s.Create(states[i])
			}()
		}
		wg.Wait()
		var won []*Container
		for i, err := range errs {
			if err == nil {
				won = append(won, states[i])
			}
		}
		require.Len(t, won, 1, "round %d", round)
		require.NoError(t, s.Remove(won[0]))
	}
}

func TestANameLeftByAKilledRunIsCollected(t *testing.T) {
	s := Store{Root: t.TempDir()}
	kept := newTestContainer(t, s, NewID(), "kept")
	require.NoError(t, os.WriteFile(filepath.Join(s.namesDir(), "left"), []byte(NewID()), 0o600))
	s.CollectNames()
	names, err := os.ReadDir(s.namesDir())
	require.NoError(t, err)
	require.Len(t, names, 1)
	assert.Equal(t, kept.Name, names[0].Name())
}

func TestADamagedConfigIsListedApartAndFoundForRm(t *testing.T) {
	s := Store{Root: t.TempDir()}
	good := newTestContainer(t, s, NewID(), "good")
	bad := newTestContainer(t, s, NewID(), "bad")
	require.NoError(t, os.WriteFile(filepath.Join(bad.Dir(), "config.json"), []byte(`{"id": tr`), 0o600))
	s.RemoveAbandonedDirs() // the store's tidying, which every command does first
	s.CollectNames()
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

// A command's RemoveAbandonedDirs runs while other runs make their
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
				s.RemoveAbandonedDirs()
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Create(&Container{ID: NewID(), Created: time.Now()})
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
	dead := filepath.Join(s.containersDir(), ".tmp-"+NewID())
	require.NoError(t, os.MkdirAll(dead, 0o700))
	s.RemoveAbandonedDirs()
	assert.NoDirExists(t, dead)
}
