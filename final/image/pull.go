package image

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// downloads is how many layers download at once: docker's default.
const downloads = 3

// Pull fetches the image arg names from its registry (go-containerregistry
// speaks the distribution API, its auth, and Docker's and OCI's manifests
// and indexes), stores what the store lacks and names it arg. From an
// index it takes the image for linux and this machine's architecture. It
// returns the image and the reference by digest that it was pulled as.
func (s Store) Pull(ctx context.Context, arg string, p Progress) (*Image, string, error) {
	ref, err := ParseRef(arg)
	if err != nil {
		return nil, "", err
	}
	desc, err := remote.Get(ref.remote(), remoteOptions(ctx)...)
	if err != nil {
		return nil, "", registryError(ref, err)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, "", registryError(ref, err)
	}
	what := ref.Tag()
	if what == "" {
		what = ref.Digest()
	}
	// The repository's path, without its registry, as docker's.
	p.Say("%s: Pulling from %s", what, ref.remote().Context().RepositoryStr())
	rec, fetched, err := s.put(ctx, img, p)
	if err != nil {
		s.abandon()
		return nil, "", fmt.Errorf("pull %s: %w", ref.Familiar(), err)
	}
	byDigest := ref.Repository() + "@" + desc.Digest.String()
	var tags []string
	if ref.Tag() != "" {
		tags = []string{ref.String()}
	}
	if err := s.add(rec, tags, []string{byDigest}); err != nil {
		s.abandon()
		return nil, "", fmt.Errorf("pull %s: %w", ref.Familiar(), err)
	}
	p.Say("Digest: %s", desc.Digest)
	if fetched > 0 {
		p.Say("Status: Downloaded newer image for %s", ref.Familiar())
	} else {
		p.Say("Status: Image is up to date for %s", ref.Familiar())
	}
	s.event("pull", rec.ID, ref.Familiar())
	return rec, byDigest, nil
}

// remoteOptions are how mydocker talks to registries: with the
// credentials of ~/.docker/config.json and its credential helpers, for
// linux on this architecture, failing fast when nobody answers.
func remoteOptions(ctx context.Context) []remote.Option {
	return []remote.Option{
		remote.WithContext(ctx),
		authOption(ctx),
		remote.WithPlatform(v1.Platform{OS: "linux", Architecture: runtime.GOARCH}),
		remote.WithTransport(registryTransport()),
		remote.WithUserAgent("mydocker"),
		// One quick retry, not go-containerregistry's three with growing
		// waits: a registry that does not answer should say so at once.
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 1, Steps: 2}),
	}
}

// registryTransport is the HTTP client's transport: proxies from the
// environment, bounded waits for a connection and an answer (the body of a
// big layer may take long; its start may not), and plain HTTP only to
// loopback registries (see loopbackOnlyHTTP).
func registryTransport() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 30 * time.Second
	return loopbackOnlyHTTP{t}
}

// loopbackOnlyHTTP refuses plain HTTP to any registry but localhost and
// 127.0.0.0/8, as docker does. go-containerregistry would also fall back
// to HTTP for private (RFC 1918) addresses, where a man in the middle
// could serve any image.
type loopbackOnlyHTTP struct{ next http.RoundTripper }

func (l loopbackOnlyHTTP) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !isLoopback(req.URL.Hostname()) {
		return nil, fmt.Errorf("refusing plain HTTP to %s: only localhost and 127.0.0.0/8 registries may go without TLS", req.URL.Host)
	}
	return l.next.RoundTrip(req)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RemoteNotFoundError is a pull of what the registry does not have, or
// will not show without a login: docker's API answers it 404.
type RemoteNotFoundError struct{ error }

func (e *RemoteNotFoundError) Unwrap() error { return e.error }

// registryError says what went wrong in the words a docker user knows.
func registryError(ref Ref, err error) error {
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusNotFound:
			return &RemoteNotFoundError{fmt.Errorf("manifest for %s not found: %v", ref.Familiar(), err)}
		case http.StatusUnauthorized, http.StatusForbidden:
			return &RemoteNotFoundError{fmt.Errorf("pull access denied for %s, repository does not exist or may require 'docker login': %v", Familiar(ref.Repository()), err)}
		}
	}
	var nerr net.Error
	var operr *net.OpError
	if errors.As(err, &operr) || (errors.As(err, &nerr) && nerr.Timeout()) {
		return fmt.Errorf("registry %s does not answer: %v", ref.remote().Context().RegistryStr(), err)
	}
	return fmt.Errorf("pull %s: %w", ref.Familiar(), err)
}

// put stores img: its manifest, config and the layers the store lacks,
// downloaded a few at a time and each checked against its digest and
// diff ID before it is used. It returns the image record (not yet named)
// and how many layers it fetched.
func (s Store) put(ctx context.Context, img v1.Image, p Progress) (*Image, int, error) {
	s.cleanTmp()
	rec, err := describe(img)
	if err != nil {
		return nil, 0, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, 0, err
	}
	// Held before they are looked for: an rmi meanwhile must not take a
	// layer found here, nor one put in place, before add records them.
	if err := s.hold(rec.names()...); err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		first   error
		fetched int
		slots   = make(chan struct{}, downloads)
	)
	for i, l := range layers {
		if s.hasLayer(rec.Layers[i]) {
			rec.Layers[i].Unpacked, _ = dirSize(s.LayerDir(rec.Layers[i].DiffID))
			p.Say("%s: Already exists", shortHex(rec.Layers[i].Digest))
			continue
		}
		fetched++
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			n, err := s.fetchLayer(ctx, l, rec.Layers[i], p)
			mu.Lock()
			defer mu.Unlock()
			rec.Layers[i].Unpacked = n
			if err != nil && first == nil {
				first = err
				cancel()
			}
		}()
	}
	wg.Wait()
	p.Wait()
	if first != nil {
		return nil, 0, first
	}
	if err := s.putMeta(img, rec); err != nil {
		return nil, 0, err
	}
	return rec, fetched, nil
}

// describe makes the record of img from its manifest and config.
func describe(img v1.Image) (*Image, error) {
	id, err := img.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("read the image's config: %w", err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read the image's config: %w", err)
	}
	manifest, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("read the image's manifest: %w", err)
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, err
	}
	mt, err := img.MediaType()
	if err != nil {
		return nil, err
	}
	if len(manifest.Layers) != len(cfg.RootFS.DiffIDs) {
		return nil, fmt.Errorf("the image's manifest has %d layers and its config %d", len(manifest.Layers), len(cfg.RootFS.DiffIDs))
	}
	rec := &Image{ID: id.String(), Manifest: digest.String(), MediaType: string(mt), Created: cfg.Created.Time}
	for i, l := range manifest.Layers {
		rec.Layers = append(rec.Layers, Layer{
			Digest: l.Digest.String(), DiffID: cfg.RootFS.DiffIDs[i].String(),
			MediaType: string(l.MediaType), Size: l.Size,
		})
	}
	return rec, nil
}

// putMeta stores the image's manifest and config blobs.
func (s Store) putMeta(img v1.Image, rec *Image) error {
	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	for want, data := range map[string][]byte{rec.Manifest: manifest, rec.ID: config} {
		got, err := s.putBlob(data)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("blob %s has the digest %s", shortHex(want), got)
		}
	}
	return nil
}

// fetchLayer downloads one layer into tmp/, checks its digest and adds it.
func (s Store) fetchLayer(ctx context.Context, l v1.Layer, want Layer, p Progress) (int64, error) {
	bar := p.Layer(want.Digest, want.Size)
	n, err := s.download(ctx, l, want, bar)
	bar.Done(err)
	if err != nil {
		return 0, fmt.Errorf("layer %s: %w", shortHex(want.Digest), err)
	}
	return n, nil
}

func (s Store) download(ctx context.Context, l v1.Layer, want Layer, bar LayerProgress) (int64, error) {
	rc, err := l.Compressed()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	f, err := s.tmpFile()
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	sum := newDigestWriter()
	_, err = io.Copy(io.MultiWriter(f, sum), bar.Reader(contextReader{ctx, rc}))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("download: %w", err)
	}
	if got := sum.Digest(); got != want.Digest {
		return 0, fmt.Errorf("digest mismatch: the registry sent %s", got)
	}
	return s.addLayer(f.Name(), want)
}

// contextReader stops a download once ctx is done (another layer failed).
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
