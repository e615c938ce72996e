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
