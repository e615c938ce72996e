package events

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Several label filters must all hold, as docker's; the values of one
// other key are alternatives.
func TestMatchWantsEveryLabelAndAnyValueOfAKey(t *testing.T) {
	e := newEvent(Container, "die", "abc", map[string]string{"name": "web", "project": "p", "oneoff": "False"}, time.Unix(1700000000, 0))
	for _, c := range []struct {
		f    map[string][]string
		want bool
	}{
		{map[string][]string{"label": {"project=p", "oneoff=False"}}, true},
		{map[string][]string{"label": {"project=p", "oneoff=True"}}, false},
		{map[string][]string{"label": {"project"}}, true},
		{map[string][]string{"label": {"other"}}, false},
		{map[string][]string{"event": {"start", "die"}, "type": {"container"}}, true},
		{map[string][]string{"container": {"db", "web"}}, true},
		{map[string][]string{"container": {"db"}}, false},
	} {
		assert.Equal(t, c.want, Match(e, c.f), c.f)
	}
}
