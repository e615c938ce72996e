package fs

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mydocker/mydocker/final/internal/testutil"
)

// A cgroup limited to 128 MiB, swap forbidden (memsw equal).
func limitedMemoryCgroup(t *testing.T) string {
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "memory.limit_in_bytes"), "134217728\n")
	testutil.WriteFile(t, filepath.Join(dir, "memory.memsw.limit_in_bytes"), "134217728\n")
	return dir
}

// containerd's CRI raises memory and swap together (swap equal to the
// memory limit): memsw must rise first, or the kernel refuses a memory
// limit above memsw (EINVAL), which failed the kubelet's
// UpdateContainerResources on v1.
func TestLimitWritesRaiseMemswFirst(t *testing.T) {
	dir := limitedMemoryCgroup(t)
	assert.Equal(t, []write{
		{"memory.memsw.limit_in_bytes", "268435456"},
		{"memory.limit_in_bytes", "268435456"},
	}, limitWrites(dir, 256<<20, 256<<20))
	assert.Equal(t, []write{
		{"memory.memsw.limit_in_bytes", "-1"},
		{"memory.limit_in_bytes", "268435456"},
	}, limitWrites(dir, 256<<20, -1))
}

func TestLimitWritesCutMemoryFirst(t *testing.T) {
	dir := limitedMemoryCgroup(t)
	assert.Equal(t, []write{
		{"memory.limit_in_bytes", "67108864"},
		{"memory.memsw.limit_in_bytes", "67108864"},
	}, limitWrites(dir, 64<<20, 64<<20))
}

// A new cgroup's limit is the kernel's maximum: memsw goes after it.
func TestLimitWritesNewCgroup(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFile(t, filepath.Join(dir, "memory.limit_in_bytes"), "9223372036854771712\n")
	assert.Equal(t, []write{
		{"memory.limit_in_bytes", "33554432"},
		{"memory.memsw.limit_in_bytes", "33554432"},
	}, limitWrites(dir, 32<<20, 32<<20))
	assert.Equal(t, []write{{"memory.limit_in_bytes", "33554432"}}, limitWrites(dir, 32<<20, 0))
}
