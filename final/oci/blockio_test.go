package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

func TestBlockIOOf(t *testing.T) {
	w, bad := uint16(500), uint16(5)
	b, err := blockIOOf(&specs.LinuxBlockIO{Weight: &w,
		WeightDevice:          []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Weight: &w}},
		ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 254, Minor: 0}, Rate: 1048576}}})
	require.NoError(t, err)
	assert.Equal(t, uint16(500), b.Weight)
	assert.Equal(t, "8:0", b.WeightDevices[0].Device.String())
	assert.Equal(t, []resources.ThrottleDevice{{Device: resources.Device{Major: 254}, Rate: 1048576}}, b.ReadBps)
	_, err = blockIOOf(&specs.LinuxBlockIO{Weight: &bad})
	assert.ErrorContains(t, err, "linux.resources.blockIO.weight 5")
	assert.Equal(t, uint64(5000), resources.IOWeight(505))
}

func TestRdmaLine(t *testing.T) {
	h, o := uint32(2), uint32(2000)
	assert.Equal(t, "mlx4_0 hca_handle=2 hca_object=2000", resources.RdmaLine("mlx4_0", resources.RdmaLimit{HcaHandles: &h, HcaObjects: &o}))
	assert.Equal(t, "mlx4_0 hca_object=2000", resources.RdmaLine("mlx4_0", resources.RdmaLimit{HcaObjects: &o}))
}
