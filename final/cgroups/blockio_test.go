package cgroups

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIOStatBytesAddsUpDevices(t *testing.T) {
	r, w := ioStatBytes("8:0 rbytes=1000 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n" +
		"253:1 rbytes=24 wbytes=4000 rios=3 wios=4 dbytes=7 dios=1")
	assert.Equal(t, uint64(1024), r)
	assert.Equal(t, uint64(4020), w)
	r, w = ioStatBytes("")
	assert.Zero(t, r+w)
}

func TestBlkioBytesReadsReadAndWriteLines(t *testing.T) {
	r, w, found := blkioBytes("8:0 Read 4096\n8:0 Write 20971520\n8:0 Sync 20971520\n8:0 Async 4096\n" +
		"8:0 Discard 0\n8:0 Total 20975616\n8:16 Read 4\n8:16 Write 0\nTotal 20975620")
	assert.True(t, found)
	assert.Equal(t, uint64(4100), r)
	assert.Equal(t, uint64(20971520), w)
	_, _, found = blkioBytes("Total 0")
	assert.False(t, found)
}
