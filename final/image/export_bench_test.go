package image

import (
	"bytes"
	"io"
	"testing"
)

// BenchmarkExport measures a commit of a busybox-like root filesystem.
//
//	go test -bench Export ./image/
func BenchmarkExport(b *testing.B) {
	data := busyboxLikeTar(b)
	src := b.TempDir()
	if err := Unpack(bytes.NewReader(data), src); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Export(src, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
