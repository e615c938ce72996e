package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
)

// "idmap" without mappings takes the container's user namespace's: its
// mappings, or its path when joined; without one, it is refused.
func TestIDMapMount(t *testing.T) {
	m := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	mnt := specs.Mount{Destination: "/v", Type: "bind", Source: "/src", Options: []string{"idmap"}}
	s := &specs.Spec{Mounts: []specs.Mount{mnt}, Linux: &specs.Linux{UIDMappings: m, GIDMappings: m,
		Namespaces: []specs.LinuxNamespace{{Type: specs.UserNamespace}}}}
	got, path := idmapMount(s, mnt)
	assert.Equal(t, m, got.UIDMappings)
	assert.Empty(t, path)
	assert.NoError(t, checkIDMapped(s))
	s.Linux.Namespaces[0].Path = "/proc/1/ns/user"
	_, path = idmapMount(s, mnt)
	assert.Equal(t, "/proc/1/ns/user", path)
	s.Linux.Namespaces = nil
	assert.ErrorContains(t, checkIDMapped(s), "mounts[0] /v: id-mapped mounts must have both uid and gid mappings")
}
