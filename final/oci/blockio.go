package oci

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// blockIOOf is linux.resources.blockIO in mydocker's terms, its weights
// checked as the kernel takes them (10 to 1000; 0 or none: unset), so a
// bad one is said before anything is made. What the host lacks (a weight
// file with no I/O scheduler that keeps weights, no io controller) is
// said by the cgroup writers.
func blockIOOf(b *specs.LinuxBlockIO) (*resources.BlockIO, error) {
	if b == nil {
		return nil, nil
	}
	out := &resources.BlockIO{}
	var err error
	if out.Weight, err = blkioWeight("weight", b.Weight); err != nil {
		return nil, err
	}
	if out.LeafWeight, err = blkioWeight("leafWeight", b.LeafWeight); err != nil {
		return nil, err
	}
	for i, d := range b.WeightDevice {
		wd := resources.WeightDevice{Device: resources.Device{Major: d.Major, Minor: d.Minor}}
		if wd.Weight, err = blkioWeight(fmt.Sprintf("weightDevice[%d].weight", i), d.Weight); err != nil {
			return nil, err
		}
		if wd.LeafWeight, err = blkioWeight(fmt.Sprintf("weightDevice[%d].leafWeight", i), d.LeafWeight); err != nil {
			return nil, err
		}
		out.WeightDevices = append(out.WeightDevices, wd)
	}
	out.ReadBps = throttles(b.ThrottleReadBpsDevice)
	out.WriteBps = throttles(b.ThrottleWriteBpsDevice)
	out.ReadIOPS = throttles(b.ThrottleReadIOPSDevice)
	out.WriteIOPS = throttles(b.ThrottleWriteIOPSDevice)
	return out, nil
}

func blkioWeight(field string, w *uint16) (uint16, error) {
	if w == nil || *w == 0 {
		return 0, nil
	}
	if *w < 10 || *w > 1000 {
		return 0, fmt.Errorf("config.json: linux.resources.blockIO.%s %d: want 10 to 1000", field, *w)
	}
	return *w, nil
}

func throttles(list []specs.LinuxThrottleDevice) []resources.ThrottleDevice {
	var out []resources.ThrottleDevice
	for _, t := range list {
		out = append(out, resources.ThrottleDevice{Device: resources.Device{Major: t.Major, Minor: t.Minor}, Rate: t.Rate})
	}
	return out
}
