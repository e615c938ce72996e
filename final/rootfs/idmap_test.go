package rootfs

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIDMapped(t *testing.T) {
	m := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	assert.True(t, IDMapped(specs.Mount{Type: "bind", Options: []string{"idmap"}}))
	assert.True(t, IDMapped(specs.Mount{Type: "bind", UIDMappings: m}), "mappings alone, as runc")
	assert.False(t, IDMapped(specs.Mount{Type: "bind", Options: []string{"rbind"}}))
	p, err := parseOptions([]string{"ridmap", "rbind"})
	require.NoError(t, err)
	assert.True(t, p.idmap && p.ridmap)
	assert.Empty(t, p.data, "idmap options are not the filesystem's")
}

// runc's checks (libcontainer/configs/validate), in its words.
func TestCheckIDMapped(t *testing.T) {
	m := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	assert.NoError(t, CheckIDMapped(specs.Mount{Options: []string{"rbind"}, UIDMappings: m, GIDMappings: m}))
	assert.ErrorContains(t, CheckIDMapped(specs.Mount{Type: "tmpfs", UIDMappings: m, GIDMappings: m}),
		"id-mapped mounts are only supported for bind-mounts")
	assert.ErrorContains(t, CheckIDMapped(specs.Mount{Type: "bind", Options: []string{"idmap"}, UIDMappings: m}),
		"id-mapped mounts must have both uid and gid mappings specified")
}
