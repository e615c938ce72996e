package rootfs

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/mountfd"
)

func TestParseOptionsRecursive(t *testing.T) {
	p, err := parseOptions([]string{"rbind", "ro", "rro", "rnosuid", "rprivate", "size=1k"})
	require.NoError(t, err)
	assert.Equal(t, uintptr(unix.MS_BIND|unix.MS_REC|unix.MS_RDONLY), p.flags)
	assert.Equal(t, mountfd.Attrs{Set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID}, p.recursive)
	assert.Equal(t, []uintptr{unix.MS_PRIVATE | unix.MS_REC}, p.propagation)
	assert.Equal(t, "size=1k", p.data)
	p, err = parseOptions([]string{"tmpcopyup", "mode=755"})
	require.NoError(t, err)
	assert.True(t, p.copyUp)
	assert.Equal(t, "mode=755", p.data, "tmpcopyup is not the filesystem's")
}

// A clearing option undoes a set before it; an access-time option sets
// the whole field (every bit of it cleared first, as the kernel wants).
func TestParseOptionsRecursiveClear(t *testing.T) {
	p, err := parseOptions([]string{"rro", "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rnoatime"})
	require.NoError(t, err)
	assert.Equal(t, mountfd.Attrs{Set: unix.MOUNT_ATTR_NOATIME,
		Clear: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOEXEC |
			unix.MOUNT_ATTR_NODIRATIME | unix.MOUNT_ATTR__ATIME}, p.recursive)
	p, err = parseOptions([]string{"rnoatime", "ratime"})
	require.NoError(t, err)
	assert.Equal(t, mountfd.Attrs{Set: unix.MOUNT_ATTR_RELATIME, Clear: unix.MOUNT_ATTR__ATIME}, p.recursive)
	p, err = parseOptions([]string{"rstrictatime"})
	require.NoError(t, err)
	assert.Equal(t, mountfd.Attrs{Set: unix.MOUNT_ATTR_STRICTATIME, Clear: unix.MOUNT_ATTR__ATIME}, p.recursive)
	p, err = parseOptions([]string{"rrelatime"})
	require.NoError(t, err)
	assert.False(t, p.recursive.Empty(), "relatime is 0: the clear still sets it")
}

func TestParseOptions(t *testing.T) {
	p, err := parseOptions([]string{"nosuid", "ro", "rw", "rbind", "rslave", "mode=755", "size=1k"})
	require.NoError(t, err)
	assert.Equal(t, uintptr(unix.MS_NOSUID|unix.MS_BIND|unix.MS_REC), p.flags, "rw clears the ro before it")
	assert.Equal(t, []uintptr{unix.MS_SLAVE | unix.MS_REC}, p.propagation)
	assert.Equal(t, "mode=755,size=1k", p.data)
}

func TestTmpfsKeepsTheModeOfItsDirectory(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o710|os.ModeSticky|os.ModeSetgid))
	f, err := os.Open(dir)
	require.NoError(t, err)
	defer f.Close()
	got, err := withModeOf(f, "size=64k")
	require.NoError(t, err)
	assert.Equal(t, "mode=3710,size=64k", got)
	for data, want := range map[string]bool{"mode=755": true, "size=1m,mode=0444": true, "size=1m": false, "": false, "modes=1": false} {
		assert.Equal(t, want, hasDataOption(data, "mode"), data)
	}
}
