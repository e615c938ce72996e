package initproc

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"

	"github.com/mydocker/mydocker/final/overlay"
)

func TestVolumeMountsAreRecursivePrivateBinds(t *testing.T) {
	got := volumeMounts([]overlay.Volume{
		{Host: "/srv/a", Container: "/data"},
		{Host: "/srv/b", Container: "/ro", ReadOnly: true},
	})
	assert.Equal(t, []specs.Mount{
		{Destination: "/data", Type: "bind", Source: "/srv/a", Options: []string{"rbind", "rprivate"}},
		{Destination: "/ro", Type: "bind", Source: "/srv/b", Options: []string{"rbind", "rprivate", "rro"}},
	}, got)
}
