package image

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// tmpDir is where downloads and unpacks happen before they are verified
// and renamed into place: nothing there is ever used by a container.
func (s Store) tmpDir() (string, error) {
	dir := filepath.Join(s.Root, "tmp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// tmpFile creates a file in tmp/ named for this process, so that a later
// run can tell (cleanTmp) when the process that made it is gone.
func (s Store) tmpFile() (*os.File, error) {
	dir, err := s.tmpDir()
	if err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, fmt.Sprintf("%d-*", os.Getpid()))
}

// cleanTmp removes what processes that died (kill -9) left in tmp/, and
// the removals they began in blobs/ and layers/ (removeTree).
func (s Store) cleanTmp() {
	entries, _ := os.ReadDir(filepath.Join(s.Root, "tmp"))
	for _, e := range entries {
		pid, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(e.Name(), "."), "-", 2)[0])
		if pid <= 0 || processGone(pid) {
			_ = removeTree(filepath.Join(s.Root, "tmp", e.Name()))
		}
	}
	for _, dir := range []string{filepath.Join(s.Root, "blobs", "sha256"), filepath.Join(s.Root, "layers")} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				s.removeAbandoned(dir, e.Name())
			}
		}
	}
}

func processGone(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return errors.Is(err, fs.ErrNotExist)
}

// removeTree renames dir out of the way first, so that a removal cut
// short never leaves a half-deleted layer under its real name.
func removeTree(dir string) error {
	gone := filepath.Join(filepath.Dir(dir), fmt.Sprintf(".%d-removing-%s", os.Getpid(), filepath.Base(dir)))
	if err := os.Rename(dir, gone); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return os.RemoveAll(gone)
}

// digestWriter hashes what is written through it.
type digestWriter struct {
	h hash.Hash
	n int64
}

func newDigestWriter() *digestWriter { return &digestWriter{h: sha256.New()} }

func (d *digestWriter) Write(p []byte) (int, error) {
	d.h.Write(p)
	d.n += int64(len(p))
	return len(p), nil
}

func (d *digestWriter) Digest() string { return "sha256:" + hex.EncodeToString(d.h.Sum(nil)) }

// putBlob stores data as a blob and returns its digest.
func (s Store) putBlob(data []byte) (string, error) {
	sum := sha256.Sum256(data)
	digest := "sha256:" + hex.EncodeToString(sum[:])
	if err := s.hold(digest); err != nil {
		return "", err
	}
	path := s.blobPath(digest)
	if _, err := os.Stat(path); err == nil {
		return digest, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	f, err := s.tmpFile()
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return "", fmt.Errorf("store blob %s: %w", digest, err)
	}
	return digest, nil
}

// readBlob reads a blob back.
func (s Store) readBlob(digest string) ([]byte, error) {
	data, err := os.ReadFile(s.blobPath(digest))
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", shortHex(digest), err)
	}
	return data, nil
}

// hasLayer reports whether the layer's blob and its unpacked directory
// are both in the store already.
func (s Store) hasLayer(l Layer) bool {
	_, err1 := os.Stat(s.blobPath(l.Digest))
	_, err2 := os.Stat(s.LayerDir(l.DiffID))
	return err1 == nil && err2 == nil
}

// addLayer moves the downloaded blob at tmpPath (its digest checked
// already) into the store and unpacks it into the layer of its diff ID,
// checking that the uncompressed tar is what the image's config says. The
// layer is unpacked under tmp/ and renamed into place only once complete
// and verified, so a failure leaves no layer that a run could use. It
// returns the bytes of the layer's files.
func (s Store) addLayer(tmpPath string, l Layer) (int64, error) {
	layer := s.LayerDir(l.DiffID)
	if _, err := os.Stat(layer); err != nil {
		if err := s.unpackBlob(tmpPath, l.DiffID, layer); err != nil {
			return 0, err
		}
	}
	blob := s.blobPath(l.Digest)
	if err := os.MkdirAll(filepath.Dir(blob), 0o700); err != nil {
		return 0, err
	}
	if err := os.Rename(tmpPath, blob); err != nil {
		return 0, fmt.Errorf("store layer %s: %w", shortHex(l.Digest), err)
	}
	return dirSize(layer)
}

// unpackBlob unpacks the (compressed) layer blob into layer.
func (s Store) unpackBlob(blobPath, diffID, layer string) error {
	dir, err := s.tmpDir()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(dir, fmt.Sprintf("%d-layer-*", os.Getpid()))
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	f, err := os.Open(blobPath)
	if err != nil {
		return err
	}
	defer f.Close()
	tarStream, err := decompress(f)
	if err != nil {
		return fmt.Errorf("layer %s: %w", shortHex(diffID), err)
	}
	defer tarStream.Close()
	sum := newDigestWriter()
	tee := io.TeeReader(tarStream, sum)
	if err := Unpack(tee, tmp); err != nil {
		return fmt.Errorf("unpack layer %s: %w", shortHex(diffID), err)
	}
	// The diff ID covers the whole tar, the padding after its last entry too.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return fmt.Errorf("read layer %s: %w", shortHex(diffID), err)
	}
	if got := sum.Digest(); got != diffID {
		return fmt.Errorf("layer %s does not match the image's config: its content is %s", shortHex(diffID), got)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(layer), 0o700); err != nil {
		return err
	}
	if err := os.Rename(tmp, layer); err != nil {
		if _, serr := os.Stat(layer); serr == nil {
			return nil // another pull of the same layer won the race
		}
		return fmt.Errorf("move layer %s into place: %w", shortHex(diffID), err)
	}
	return nil
}

// decompress reads a layer blob: gzip, zstd or a plain tar, told apart by
// their first bytes as docker does (not by the media type, which some
// registries get wrong).
func decompress(r io.Reader) (io.ReadCloser, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read gzip: %w", err)
		}
		return zr, nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read zstd: %w", err)
		}
		return zr.IOReadCloser(), nil
	}
	return io.NopCloser(br), nil
}

// dirSize adds up the sizes of the regular files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
