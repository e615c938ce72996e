package buildctx

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// tarBlock is the size of a tar header: enough to tell a tar from anything.
const tarBlock = 512

var magics = []struct {
	name  string
	magic []byte
}{
	{"gzip", []byte{0x1f, 0x8b, 0x08}},
	{"bzip2", []byte{'B', 'Z', 'h'}},
	{"xz", []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
	{"zstd", []byte{0x28, 0xb5, 0x2f, 0xfd}},
}

// compression names the compression header starts with ("" if none), as
// docker's DetectCompression.
func compression(header []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(header, m.magic) {
			return m.name
		}
	}
	return ""
}

// Decompress wraps r by the compression its first bytes announce, as
// docker's DecompressStream (gzip, bzip2, xz, zstd, or none); the
// returned closer releases the decompressor.
func Decompress(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, tarBlock*2)
	head, err := br.Peek(8)
	if err != nil && err != io.EOF {
		return nil, nil, err
	}
	switch compression(head) {
	case "gzip":
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		return z, func() { z.Close() }, nil
	case "bzip2":
		return bzip2.NewReader(br), func() {}, nil
	case "xz":
		z, err := xz.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("xz: %w", err)
		}
		return z, func() {}, nil
	case "zstd":
		z, err := zstd.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		return z, z.Close, nil
	}
	return br, func() {}, nil
}

// isTarHeader says whether block starts a tar archive.
func isTarHeader(block []byte) bool {
	_, err := tar.NewReader(bytes.NewReader(block)).Next()
	return err == nil
}

// isArchive is docker's rule for a context on stdin: compressed, or a tar.
func isArchive(header []byte) bool {
	return compression(header) != "" || isTarHeader(header)
}

// isTarStream says whether r, once decompressed, is a tar: ADD extracts
// only those (docker's isArchivePath); a gzip of a text file is copied.
func isTarStream(r io.Reader) bool {
	d, done, err := Decompress(r)
	if err != nil {
		return false
	}
	defer done()
	block := make([]byte, tarBlock)
	n, _ := io.ReadFull(d, block)
	return isTarHeader(block[:n])
}
