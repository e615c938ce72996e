package events

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogThenReadInOrderWithinTimes(t *testing.T) {
	root := t.TempDir()
	Log(root, Container, "create", "c1", map[string]string{"name": "web", "image": "busybox"})
	mid := time.Now()
	Log(root, Container, "start", "c1", map[string]string{"name": "web", "image": "busybox"})
	Log(root, Network, "create", "n1", map[string]string{"name": "app"})
	var got []string
	require.NoError(t, Read(context.Background(), root, time.Time{}, time.Time{}, false, func(e Event) { got = append(got, e.Type+":"+e.Action) }))
	assert.Equal(t, []string{"container:create", "container:start", "network:create"}, got)
	got = nil
	require.NoError(t, Read(context.Background(), root, mid, time.Time{}, false, func(e Event) { got = append(got, e.Action+" "+e.Actor.Attributes["name"]) }))
	assert.Equal(t, []string{"start web", "create app"}, got)
}

func TestFollowSeesNewLinesAndRotation(t *testing.T) {
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan string, 10)
	go Read(ctx, root, time.Time{}, time.Time{}, true, func(e Event) { seen <- e.Action })
	time.Sleep(2 * pollEvery)
	Log(root, Volume, "create", "v", nil)
	assert.Equal(t, "create", <-seen)
	require.NoError(t, os.Rename(logPath(root), oldPath(root)))
	Log(root, Volume, "destroy", "v", nil)
	select {
	case a := <-seen:
		assert.Equal(t, "destroy", a)
	case <-time.After(3 * time.Second):
		t.Fatal("a follower missed the event after a rotation")
	}
}

func TestHalfALineWaitsForItsEnd(t *testing.T) {
	root := t.TempDir()
	f, err := os.OpenFile(logPath(root), os.O_WRONLY|os.O_CREATE, 0o600)
	require.NoError(t, err)
	_, _ = f.WriteString(`{"Type":"image","Action":"pu`)
	r, err := os.Open(logPath(root))
	require.NoError(t, err)
	tl := &tail{f: r}
	var got []string
	require.NoError(t, tl.read(func(e Event) { got = append(got, e.Action) }))
	assert.Empty(t, got)
	_, _ = f.WriteString(`ll","timeNano":1}` + "\n")
	require.NoError(t, tl.read(func(e Event) { got = append(got, e.Action) }))
	assert.Equal(t, []string{"pull"}, got)
}
