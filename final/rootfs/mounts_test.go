package rootfs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestParseOptionsRecursive(t *testing.T) {
	p, err := parseOptions([]string{"rbind", "ro", "rro", "rnosuid", "rprivate", "size=1k"})
	require.NoError(t, err)
	assert.Equal(t, uintptr(unix.MS_BIND|unix.MS_REC|unix.MS_RDONLY), p.flags)
	assert.Equal(t, uintptr(unix.MS_RDONLY|unix.MS_NOSUID), p.recursive)
	assert.Equal(t, []uintptr{unix.MS_PRIVATE | unix.MS_REC}, p.propagation)
	assert.Equal(t, "size=1k", p.data)
	_, err = parseOptions([]string{"rrw"})
	assert.ErrorContains(t, err, "rrw")
}

func TestParseOptions(t *testing.T) {
	p, err := parseOptions([]string{"nosuid", "ro", "rw", "rbind", "rslave", "mode=755", "size=1k"})
	require.NoError(t, err)
	assert.Equal(t, uintptr(unix.MS_NOSUID|unix.MS_BIND|unix.MS_REC), p.flags, "rw clears the ro before it")
	assert.Equal(t, []uintptr{unix.MS_SLAVE | unix.MS_REC}, p.propagation)
	assert.Equal(t, "mode=755,size=1k", p.data)
	_, err = parseOptions([]string{"idmap"})
	assert.Error(t, err)
}
