package image

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	tr "github.com/mydocker/mydocker/final/internal/testregistry"
)

// base is a small root filesystem layer: the tests below never run it.
var base = tr.Tar(tr.Dir("bin"), tr.File("bin/sh", "#!fake\n"), tr.Dir("etc"), tr.File("etc/passwd", "root:x:0:0::/root:/bin/sh\n"))

// serve starts go-containerregistry's registry on loopback for one test;
// handler may wrap it (to break it on purpose).
func serve(t *testing.T, wrap func(http.Handler) http.Handler) string {
	var h http.Handler = registry.New()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func push(t *testing.T, ref string, cfg v1.Config, layers ...[]byte) v1.Image {
	var ls []v1.Layer
	for _, l := range layers {
		ls = append(ls, tr.Layer(l, false))
	}
	img, err := tr.Image(cfg, false, ls...)
	require.NoError(t, err)
	require.NoError(t, tr.Push(ref, img))
	return img
}

func newStore(t *testing.T) Store {
	if os.Geteuid() != 0 {
		t.Skip("unpacking whiteouts and owners needs root")
	}
	return Store{Root: t.TempDir()}
}

func entriesOf(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestPullStoresEachLayerOnceAndTurnsWhiteoutsIntoOverlays(t *testing.T) {
	s, reg := newStore(t), serve(t, nil)
	lower := tr.Tar(tr.Dir("d"), tr.File("d/old", "x"), tr.File("gone", "x"))
	upper := tr.Tar(tr.File(".wh.gone", ""), tr.Dir("d"), tr.File("d/.wh..wh..opq", ""))
	push(t, reg+"/app:one", v1.Config{}, base, lower, upper)
	push(t, reg+"/app:two", v1.Config{}, base, lower, tr.Tar(tr.File("two", "2")))

	one, digest, err := s.Pull(context.Background(), reg+"/app:one", Quiet{})
	require.NoError(t, err)
	assert.Equal(t, reg+"/app@"+one.RepoDigests[0][strings.Index(one.RepoDigests[0], "@")+1:], digest)
	_, _, err = s.Pull(context.Background(), reg+"/app:two", Quiet{})
	require.NoError(t, err)

	// Four distinct layers: base and lower are shared, stored once.
	assert.Len(t, entriesOf(t, filepath.Join(s.Root, "layers")), 4)
	top := s.LayerDir(one.Layers[2].DiffID)
	st, err := os.Lstat(filepath.Join(top, "gone"))
	require.NoError(t, err)
	assert.Equal(t, os.ModeCharDevice|os.ModeDevice, st.Mode()&os.ModeType, "a whiteout is a 0:0 char device")
	buf := make([]byte, 1)
	_, err = unixGetxattr(filepath.Join(top, "d"), opaqueXattr, buf)
	require.NoError(t, err)
	assert.Equal(t, "y", string(buf))
	list, err := s.List()
	require.NoError(t, err)
	assert.Len(t, list, 2)
}

func TestPullTakesThisPlatformFromAnIndex(t *testing.T) {
	s, reg := newStore(t), serve(t, nil)
	mine, err := tr.Image(v1.Config{}, true, tr.Layer(tr.Tar(tr.File("p", "mine")), true))
	require.NoError(t, err)
	other, err := tr.Image(v1.Config{}, true, tr.Layer(tr.Tar(tr.File("p", "other")), true))
	require.NoError(t, err)
	require.NoError(t, tr.PushIndex(reg+"/multi:latest", map[string]v1.Image{runtime.GOARCH: mine, "s390x": other}))

	img, _, err := s.Pull(context.Background(), reg+"/multi", Quiet{})
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(s.LayerDir(img.Layers[0].DiffID), "p"))
	require.NoError(t, err)
	assert.Equal(t, "mine", string(data))
	assert.Equal(t, []string{reg + "/multi:latest"}, img.RepoTags)
}

func TestPullOfHostileLayersChangesNothingAndKeepsNothing(t *testing.T) {
	s, reg := newStore(t), serve(t, nil)
	outside := t.TempDir()
	for i, layer := range [][]byte{
		tr.Tar(tr.File("../../../../../../.."+outside+"/dotdot", "x")),
		tr.Tar(tr.Symlink("link", outside), tr.File("link/through", "x")),
		tr.Tar(tr.Hardlink("shadow", "/etc/shadow")),
		tr.Tar(tr.Hardlink("shadow", "../../../../etc/shadow")),
	} {
		ref := reg + "/hostile:" + string(rune('a'+i))
		push(t, ref, v1.Config{}, base, layer)
		_, _, err := s.Pull(context.Background(), ref, Quiet{})
		assert.Error(t, err, ref)
	}
	assert.Empty(t, entriesOf(t, outside))
	list, err := s.List()
	require.NoError(t, err)
	assert.Empty(t, list)
	// The base layer may be there (it was fine), the hostile ones not.
	assert.LessOrEqual(t, len(entriesOf(t, filepath.Join(s.Root, "layers"))), 1)
}

func TestPullRefusesALayerThatIsNotItsDigest(t *testing.T) {
	s := newStore(t)
	tampered := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") && r.Header.Get("X-Tamper") == "" {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				body := rec.Body.Bytes()
				if len(body) > 200 { // a layer, not the config
					body[len(body)/2] ^= 0xff
				}
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				_, _ = w.Write(body)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	reg := serve(t, tampered)
	push(t, reg+"/bad:latest", v1.Config{}, tr.Tar(tr.File("big", strings.Repeat("data", 500))))
	_, _, err := s.Pull(context.Background(), reg+"/bad", Quiet{})
	require.Error(t, err)
	list, _ := s.List()
	assert.Empty(t, list)
	layers, _ := os.ReadDir(filepath.Join(s.Root, "layers"))
	assert.Empty(t, layers, "no layer of a blob that failed its digest")
}

func TestPullErrorsAreClear(t *testing.T) {
	s, reg := newStore(t), serve(t, nil)
	_, _, err := s.Pull(context.Background(), reg+"/nothing:here", Quiet{})
	assert.ErrorContains(t, err, "not found")
	_, _, err = s.Pull(context.Background(), "127.0.0.1:1/x", Quiet{})
	assert.ErrorContains(t, err, "does not answer")
	_, _, err = s.Pull(context.Background(), "Bad Name", Quiet{})
	assert.ErrorContains(t, err, "invalid reference format")
}

func TestGetTagRemoveAndTheirConflicts(t *testing.T) {
	s, reg := newStore(t), serve(t, nil)
	push(t, reg+"/app:v1", v1.Config{Cmd: []string{"true"}}, base)
	img, _, err := s.Pull(context.Background(), reg+"/app:v1", Quiet{})
	require.NoError(t, err)
	ReleaseLeases() // the pull is over, as its process would be
	require.NoError(t, s.Tag(reg+"/app:v1", "mine:latest"))

	manifestDigest := img.RepoDigests[0][strings.Index(img.RepoDigests[0], "@")+1:]
	for _, arg := range []string{"mine", "mine:latest", "docker.io/library/mine", img.ID, img.ShortID(), img.ID[:15], manifestDigest} {
		got, err := s.Get(arg)
		require.NoError(t, err, arg)
		assert.Equal(t, img.ID, got.ID)
	}
	_, err = s.Get("nothere")
	assert.ErrorContains(t, err, "no such image")

	inUse := func(string) []string { return []string{"web"} }
	none := func(string) []string { return nil }
	// Two tags: removing one only untags, in use or not.
	done, err := s.Remove("mine", false, inUse)
	require.NoError(t, err)
	assert.Equal(t, []string{"Untagged: mine:latest"}, done)
	// The last tag of an image in use: refused without -f.
	_, err = s.Remove(reg+"/app:v1", false, inUse)
	assert.ErrorContains(t, err, "container web")
	// With -f: untagged, and kept for its container.
	_, err = s.Remove(reg+"/app:v1", true, inUse)
	require.NoError(t, err)
	kept, err := s.Get(img.ID)
	require.NoError(t, err)
	assert.Empty(t, kept.RepoTags)
	// No container: gone, with its blobs and layers.
	done, err = s.Remove(img.ShortID(), false, none)
	require.NoError(t, err)
	assert.Contains(t, done, "Deleted: "+img.ID)
	assert.Empty(t, entriesOf(t, filepath.Join(s.Root, "layers")))
	assert.Empty(t, entriesOf(t, filepath.Join(s.Root, "blobs", "sha256")))
}

func TestSaveLoadRoundTrip(t *testing.T) {
	s, reg := newStore(t), serve(t, nil)
	push(t, reg+"/app:v1", v1.Config{Cmd: []string{"true"}}, base, tr.Tar(tr.File("x", "1")))
	img, _, err := s.Pull(context.Background(), reg+"/app:v1", Quiet{})
	require.NoError(t, err)
	archive := filepath.Join(t.TempDir(), "app.tar")
	require.NoError(t, s.Save(archive, []string{reg + "/app:v1"}))

	other := Store{Root: t.TempDir()}
	lines, err := other.Load(context.Background(), archive, Quiet{})
	require.NoError(t, err)
	assert.Equal(t, []string{"Loaded image: " + reg + "/app:v1"}, lines)
	got, err := other.Get(reg + "/app:v1")
	require.NoError(t, err)
	assert.Equal(t, img.ID, got.ID, "the same config, so the same ID")
	assert.Equal(t, img.Layers[1].DiffID, got.Layers[1].DiffID)
}

func TestImportMakesAOneLayerImageWithItsChanges(t *testing.T) {
	s := newStore(t)
	img, err := s.Import(strings.NewReader(string(base)), "imported:1", []string{`CMD ["sh"]`, "ENV A=b", "WORKDIR /w", "USER nobody"})
	require.NoError(t, err)
	cfg, err := s.Config(img)
	require.NoError(t, err)
	assert.Equal(t, []string{"sh"}, cfg.Config.Cmd)
	assert.Equal(t, []string{"A=b"}, cfg.Config.Env)
	assert.Equal(t, "/w", cfg.Config.WorkingDir)
	assert.Equal(t, "nobody", cfg.Config.User)
	assert.Len(t, img.Layers, 1)
	assert.FileExists(t, filepath.Join(s.LayerDir(img.Layers[0].DiffID), "etc", "passwd"))

	_, err = s.Import(strings.NewReader("not a tar at all, not at all, no"), "bad", nil)
	assert.Error(t, err)
	_, err = s.Get("bad")
	assert.Error(t, err, "a failed import leaves no image")
	assert.Len(t, entriesOf(t, filepath.Join(s.Root, "layers")), 1)
	_, err = s.Import(strings.NewReader(string(base)), "x", []string{"RUN rm -rf /"})
	assert.ErrorContains(t, err, "only CMD")
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string]string{
		"busybox":                   "docker.io/library/busybox:latest",
		"alpine:3.20":               "docker.io/library/alpine:3.20",
		"team/app":                  "docker.io/team/app:latest",
		"localhost:5000/team/app":   "localhost:5000/team/app:latest",
		"127.0.0.1:5000/a:b":        "127.0.0.1:5000/a:b",
		"busybox@sha256:" + hex64:   "docker.io/library/busybox@sha256:" + hex64,
		"busybox:1@sha256:" + hex64: "docker.io/library/busybox@sha256:" + hex64,
	} {
		ref, err := ParseRef(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, ref.String(), in)
	}
	for _, bad := range []string{"", "UPPER", "a b", "busybox:", "x@sha256:short", " busybox"} {
		_, err := ParseRef(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "busybox:latest", Familiar("docker.io/library/busybox:latest"))
	assert.Equal(t, "team/app:1", Familiar("docker.io/team/app:1"))
}

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func unixGetxattr(path, name string, buf []byte) (int, error) {
	return unix.Lgetxattr(path, name, buf)
}
