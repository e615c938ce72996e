package state

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRestartPolicy(t *testing.T) {
	for in, want := range map[string]RestartPolicy{
		"no": {}, "": {}, "always": {Name: "always"}, "unless-stopped": {Name: "unless-stopped"},
		"on-failure": {Name: "on-failure"}, "on-failure:3": {Name: "on-failure", MaxRetries: 3},
	} {
		got, err := ParseRestartPolicy(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"sometimes", "on-failure:0", "on-failure:x", "always:2", "no:1"} {
		_, err := ParseRestartPolicy(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "on-failure:3", RestartPolicy{Name: "on-failure", MaxRetries: 3}.String())
}

func TestShouldRestart(t *testing.T) {
	onFailure2 := RestartPolicy{Name: "on-failure", MaxRetries: 2}
	assert.True(t, onFailure2.ShouldRestart(1, 0, false))
	assert.True(t, onFailure2.ShouldRestart(1, 1, false))
	assert.False(t, onFailure2.ShouldRestart(1, 2, false), "at most N restarts")
	assert.False(t, onFailure2.ShouldRestart(0, 0, false), "a clean exit is no failure")
	always := RestartPolicy{Name: "always"}
	assert.True(t, always.ShouldRestart(0, 100, false))
	assert.True(t, always.ShouldRestart(137, 0, false), "killed: restarted")
	assert.False(t, always.ShouldRestart(137, 0, true), "stop ends it")
	assert.False(t, RestartPolicy{}.ShouldRestart(1, 0, false))
}

func TestStartsAtBoot(t *testing.T) {
	one, zero := 1, 0
	for _, c := range []struct {
		policy  string
		stopped bool
		code    *int
		want    bool
	}{
		{"no", false, nil, false},
		{"always", false, nil, true},
		{"always", true, &zero, true},
		{"unless-stopped", false, nil, true},
		{"unless-stopped", true, nil, false},
		{"on-failure", false, nil, true},
		{"on-failure", false, &one, true},
		{"on-failure", false, &zero, false},
		{"on-failure", true, nil, false},
		{"on-failure:2", false, &one, false}, // its two restarts are used up
	} {
		p, err := ParseRestartPolicy(c.policy)
		require.NoError(t, err)
		st := &Container{Status: Exited, Restart: p, StopRequested: c.stopped, ExitCode: c.code, Restarts: 2}
		assert.Equal(t, c.want, st.StartsAtBoot(), "%+v", c)
	}
}
