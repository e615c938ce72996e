package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// busyboxLikeTar is shaped like the busybox image: a 1 MiB binary, a few
// directories and 400 symlinks to it.
func busyboxLikeTar(b *testing.B) []byte {
	hdrs := []*tar.Header{dir("bin/", 0o755), dir("usr/", 0o755), dir("usr/bin/", 0o755)}
	hdrs = append(hdrs, file("bin/busybox", strings.Repeat("x", 1<<20), 0o755))
	for i := 0; i < 400; i++ {
		hdrs = append(hdrs, symlink(fmt.Sprintf("usr/bin/applet%d", i), "/bin/busybox"))
	}
	return tarOf(b, hdrs...).Bytes()
}

// BenchmarkUnpack measures the first run of an image: unpacking its tar.
//
//	go test -bench Unpack ./image/
func BenchmarkUnpack(b *testing.B) {
	data := busyboxLikeTar(b)
	parent := b.TempDir()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst := filepath.Join(parent, fmt.Sprint(i))
		if err := os.Mkdir(dst, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := Unpack(bytes.NewReader(data), dst); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(dst)
		b.StartTimer()
	}
}
