package image

import (
	"context"
	"net/http"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tr "github.com/mydocker/mydocker/final/internal/testregistry"
)

// An rmi while a pull downloads: the layer the pull found in the store
// ("Already exists"), and the ones it has put in place, are the pull's
// until it has recorded its image.
func TestRemoveKeepsTheLayersOfAPullUnderWay(t *testing.T) {
	s := newStore(t)
	t.Cleanup(ReleaseLeases)
	top := tr.Tar(tr.File("top", "t"))
	slow := tr.Layer(top, false)
	slowDigest, err := slow.Digest()
	require.NoError(t, err)
	reached, goOn := make(chan struct{}), make(chan struct{})
	reg := serve(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/blobs/"+slowDigest.String()) {
				close(reached)
				<-goOn
			}
			h.ServeHTTP(w, r)
		})
	})
	push(t, reg+"/base:v1", v1.Config{}, base)
	push(t, reg+"/app:v1", v1.Config{}, base, top)
	_, _, err = s.Pull(context.Background(), reg+"/base:v1", Quiet{})
	require.NoError(t, err)
	ReleaseLeases() // that pull is over: base is the image's alone

	done := make(chan error)
	go func() {
		_, _, err := s.Pull(context.Background(), reg+"/app:v1", Quiet{})
		done <- err
	}()
	<-reached
	// base:v1 was the only image with the base layer.
	_, err = s.Remove(reg+"/base:v1", false, func(string) []string { return nil })
	require.NoError(t, err)
	close(goOn)
	require.NoError(t, <-done)
	img, err := s.Get(reg + "/app:v1")
	require.NoError(t, err)
	for _, l := range img.Layers {
		assert.DirExists(t, s.LayerDir(l.DiffID))
		assert.FileExists(t, s.blobPath(l.Digest))
	}

	// Once the pull's process is done, collect is free again.
	ReleaseLeases()
	_, err = s.Remove(reg+"/app:v1", false, func(string) []string { return nil })
	require.NoError(t, err)
	assert.Empty(t, entriesOf(t, s.Root+"/layers"))
}
