package container

import (
	"errors"
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
