package resources

import (
	"fmt"
	"strconv"
)

// BlockIO are an OCI bundle's block I/O limits: the weight (10..1000, as
// v1's blkio.weight; 0 is none) and per-device weights and throttles.
type BlockIO struct {
	Weight        uint16           `json:"weight,omitempty"`
	LeafWeight    uint16           `json:"leafWeight,omitempty"`
	WeightDevices []WeightDevice   `json:"weightDevices,omitempty"`
	ReadBps       []ThrottleDevice `json:"readBps,omitempty"`
	WriteBps      []ThrottleDevice `json:"writeBps,omitempty"`
	ReadIOPS      []ThrottleDevice `json:"readIOPS,omitempty"`
	WriteIOPS     []ThrottleDevice `json:"writeIOPS,omitempty"`
}

// Device is a block device by its numbers.
type Device struct {
	Major int64 `json:"major"`
	Minor int64 `json:"minor"`
}

// String is the device as the cgroup files name it: "8:0".
func (d Device) String() string { return fmt.Sprintf("%d:%d", d.Major, d.Minor) }

// WeightDevice is a device's own weight (0: none).
type WeightDevice struct {
	Device
	Weight     uint16 `json:"weight,omitempty"`
	LeafWeight uint16 `json:"leafWeight,omitempty"`
}

// ThrottleDevice is a device's rate limit, in bytes or operations a second.
type ThrottleDevice struct {
	Device
	Rate uint64 `json:"rate"`
}

// IOWeight is a blkio weight (10..1000) as cgroup v2's io.weight
// (1..10000), converted as runc does.
func IOWeight(blkio uint16) uint64 {
	if blkio == 0 {
		return 0
	}
	return 1 + (uint64(blkio)-10)*9999/990
}

// RdmaLimit is an RDMA device's limits: HCA handles and objects (nil: no
// limit of that kind).
type RdmaLimit struct {
	HcaHandles *uint32 `json:"hcaHandles,omitempty"`
	HcaObjects *uint32 `json:"hcaObjects,omitempty"`
}

// RdmaLine is the limit as rdma.max takes it (v1 and v2 alike):
// "mlx4_0 hca_handle=2 hca_object=2000".
func RdmaLine(device string, l RdmaLimit) string {
	line := device
	if l.HcaHandles != nil {
		line += " hca_handle=" + strconv.FormatUint(uint64(*l.HcaHandles), 10)
	}
	if l.HcaObjects != nil {
		line += " hca_object=" + strconv.FormatUint(uint64(*l.HcaObjects), 10)
	}
	return line
}
