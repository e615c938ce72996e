package image

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStepMakesIntermediateImagesAndBuiltListsTheLastOne(t *testing.T) {
	s := newStore(t)
	parent, err := s.Import(strings.NewReader(string(base)), "base:1", nil)
	require.NoError(t, err)
	cfg, err := s.Config(parent)
	require.NoError(t, err)
	cfg.Config.Env = []string{"A=1"}
	cfg.History = append(cfg.History, v1.History{CreatedBy: "/bin/sh -c #(nop)  ENV A=1", EmptyLayer: true})
	meta, err := s.Step(parent, nil, cfg)
	require.NoError(t, err)
	assert.Len(t, meta.Layers, 1, "a metadata step adds no layer")
	got, err := s.Get(meta.ID)
	require.NoError(t, err)
	assert.True(t, got.Intermediate)

	cfg.History = append(cfg.History, v1.History{CreatedBy: "/bin/sh -c #(nop) COPY x in / "})
	layered, err := s.Step(meta, strings.NewReader(string(base)), cfg)
	require.NoError(t, err)
	assert.Len(t, layered.Layers, 2)
	c, err := s.Config(layered)
	require.NoError(t, err)
	assert.Len(t, c.RootFS.DiffIDs, 2)
	assert.Equal(t, []string{"A=1"}, c.Config.Env)

	require.NoError(t, s.Built(layered.ID))
	got, err = s.Get(layered.ID)
	require.NoError(t, err)
	assert.False(t, got.Intermediate)
	got, err = s.Get("base:1")
	require.NoError(t, err)
	assert.False(t, got.Intermediate, "an imported image is no step's")
}

// step makes a metadata step on parent, its history one entry longer.
func step(t *testing.T, s Store, parent *Image, createdBy string) *Image {
	t.Helper()
	cfg, err := s.Config(parent)
	require.NoError(t, err)
	cfg.History = append(cfg.History, v1.History{CreatedBy: createdBy, EmptyLayer: true})
	img, err := s.Step(parent, nil, cfg)
	require.NoError(t, err)
	return img
}

func noUsers(string) []string { return nil }

func TestRemoveTakesTheStepsOnlyItNeeded(t *testing.T) {
	s := newStore(t)
	base, err := s.Import(strings.NewReader(string(base)), "base:1", nil)
	require.NoError(t, err)
	shared := step(t, s, base, "ENV A=1")
	assert.Equal(t, base.ID, shared.Parent)
	one := step(t, s, step(t, s, shared, "ENV B=1"), "CMD one")
	two := step(t, s, shared, "CMD two")
	require.NoError(t, s.Built(one.ID))
	require.NoError(t, s.Tag(one.ID, "one:1"))
	require.NoError(t, s.Tag(two.ID, "two:1"))

	done, err := s.Remove("one:1", false, noUsers)
	require.NoError(t, err)
	// one, and its ENV B step; the shared step is two's parent too.
	assert.Equal(t, []string{"Untagged: one:1", "Deleted: " + one.ID, "Deleted: " + one.Parent}, done)
	_, err = s.Get(shared.ID)
	assert.NoError(t, err, "the shared step stays")

	// A container on the shared step keeps it; then two goes alone.
	users := func(id string) []string {
		if id == shared.ID {
			return []string{"c1"}
		}
		return nil
	}
	done, err = s.Remove("two:1", false, users)
	require.NoError(t, err)
	assert.Equal(t, []string{"Untagged: two:1", "Deleted: " + two.ID}, done)
	_, err = s.Get(shared.ID)
	assert.NoError(t, err)

	// Without it, the shared step goes by its ID, and the tagged base stays.
	done, err = s.Remove(shared.ID, false, noUsers)
	require.NoError(t, err)
	assert.Equal(t, []string{"Deleted: " + shared.ID}, done)
	_, err = s.Get("base:1")
	assert.NoError(t, err)
}
