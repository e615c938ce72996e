package buildctx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"sync"
	"time"
)

// download is an ADD URL's body kept in a temp file, with what the layer
// needs: docker names the file after the URL path and dates it by
// Last-Modified.
type download struct {
	file   string
	digest string
	size   int64
	name   string
	mtime  time.Time
}

// downloads fetches each URL once per Source: Checksum hashes the bytes and
// WriteLayer writes those same bytes.
type downloads struct {
	mu  sync.Mutex
	dir string
	m   map[string]*download
}

// epoch dates what has no date (a URL without Last-Modified, parents COPY
// creates), so that rebuilding the same step writes the same layer.
var epoch = time.Unix(0, 0).UTC()

// maxRedirects is how many redirects an ADD URL may take, as Go's and
// curl's defaults.
const maxRedirects = 10

// URLClient is the client ADD URL fetches with: the caller's proxy
// settings (HTTP_PROXY..., as the docker CLI's), TLS verified, a time
// limit to connect and to get the headers (a body may take as long as it
// takes), and redirects only to http and https, at most maxRedirects:
// Go's default client has no timeouts, and a build must not hang on a
// silent server.
func URLClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 30 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirected to %s: only http and https are fetched", req.URL.Redacted())
	}
	return nil
}

func (d *downloads) get(rawURL string, client *http.Client, tmp string) (*download, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if dl, ok := d.m[rawURL]; ok {
		return dl, nil
	}
	if d.dir == "" {
		dir, err := os.MkdirTemp(tmp, "add-")
		if err != nil {
			return nil, fmt.Errorf("ADD %s: %w", rawURL, err)
		}
		d.dir = dir
	}
	dl, err := fetch(rawURL, client, d.dir)
	if err != nil {
		return nil, fmt.Errorf("ADD %s: %w", rawURL, err)
	}
	if d.m == nil {
		d.m = map[string]*download{}
	}
	d.m[rawURL] = dl
	return dl, nil
}

func (d *downloads) removeAll() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dir == "" {
		return nil
	}
	err := os.RemoveAll(d.dir)
	d.dir, d.m = "", nil
	return err
}

// fetch GETs rawURL into a new file under dir.
func fetch(rawURL string, client *http.Client, dir string) (*download, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = URLClient()
	}
	resp, err := client.Get(rawURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("failed to GET %s with status %s", rawURL, resp.Status)
	}
	dl := &download{mtime: epoch, name: downloadName(u, resp)}
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		dl.mtime = t.UTC()
	}
	f, err := os.CreateTemp(dir, "body-")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if dl.size, err = io.Copy(io.MultiWriter(f, h), resp.Body); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	dl.file, dl.digest = f.Name(), "sha256:"+hex.EncodeToString(h.Sum(nil))
	return dl, f.Close()
}

// downloadName is the file name ADD gives a URL under a directory: the last
// path component, else the Content-Disposition filename (the classic
// builder), else BuildKit's "__unnamed__".
func downloadName(u *url.URL, resp *http.Response) string {
	if b := path.Base(u.Path); b != "/" && b != "." && b != "" {
		return b
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if b := path.Base(params["filename"]); b != "/" && b != "." && b != "" {
			return b
		}
	}
	return "__unnamed__"
}
