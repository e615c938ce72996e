package fs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// blkio is the v1 blkio controller (linux.resources.blockIO): weights
// where an I/O scheduler keeps them (CFQ's blkio.weight, BFQ's
// blkio.bfq.weight; a host with neither has no weight to write, said so),
// and the throttling layer's rates, which every kernel with blkio has.
type blkio struct{}

func (*blkio) Name() string { return "blkio" }

func (*blkio) Configured(res *resources.Resources) bool { return res.BlockIO != nil }

func (*blkio) Set(mount, path string, res *resources.Resources) error {
	dir := filepath.Join(mount, path)
	b := res.BlockIO
	if b.Weight != 0 {
		if err := writeFirst(dir, "weight", strconv.Itoa(int(b.Weight)), "blkio.weight", "blkio.bfq.weight"); err != nil {
			return err
		}
	}
	if b.LeafWeight != 0 {
		if err := writeFirst(dir, "leafWeight", strconv.Itoa(int(b.LeafWeight)), "blkio.leaf_weight"); err != nil {
			return err
		}
	}
	for _, d := range b.WeightDevices {
		if d.Weight != 0 {
			if err := writeFirst(dir, "weightDevice", fmt.Sprintf("%s %d", d.Device, d.Weight), "blkio.weight_device", "blkio.bfq.weight_device"); err != nil {
				return err
			}
		}
		if d.LeafWeight != 0 {
			if err := writeFirst(dir, "weightDevice leafWeight", fmt.Sprintf("%s %d", d.Device, d.LeafWeight), "blkio.leaf_weight_device"); err != nil {
				return err
			}
		}
	}
	for file, list := range map[string][]resources.ThrottleDevice{
		"blkio.throttle.read_bps_device": b.ReadBps, "blkio.throttle.write_bps_device": b.WriteBps,
		"blkio.throttle.read_iops_device": b.ReadIOPS, "blkio.throttle.write_iops_device": b.WriteIOPS,
	} {
		for _, t := range list {
			if err := fscommon.WriteFile(dir, file, fmt.Sprintf("%s %d", t.Device, t.Rate)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeFirst writes value into the first of files the cgroup has, or
// says the host has none of them (the field's name, as the spec's).
func writeFirst(dir, field, value string, files ...string) error {
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return fscommon.WriteFile(dir, f, value)
		}
	}
	return fmt.Errorf("linux.resources.blockIO.%s: this host's blkio controller has no %v (its I/O schedulers keep no weights)", field, files)
}

// rdma is the v1 rdma controller (linux.resources.rdma).
type rdma struct{}

func (*rdma) Name() string { return "rdma" }

func (*rdma) Configured(res *resources.Resources) bool { return len(res.Rdma) > 0 }

func (*rdma) Set(mount, path string, res *resources.Resources) error {
	for dev, l := range res.Rdma {
		if err := fscommon.WriteFile(filepath.Join(mount, path), "rdma.max", resources.RdmaLine(dev, l)); err != nil {
			return err
		}
	}
	return nil
}
