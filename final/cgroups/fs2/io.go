package fs2

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// setIO writes linux.resources.blockIO into the io controller's files, as
// runc: the weight into io.bfq.weight where BFQ keeps one (as given), else
// io.weight (converted to 1..10000); per-device weights likewise; the
// rates into io.max. v2 has no leaf weights: ignored, as runc does.
func setIO(dir string, res *resources.Resources) error {
	b := res.BlockIO
	if b == nil {
		return nil
	}
	bfq := exists(dir, "io.bfq.weight")
	if b.Weight != 0 {
		file, value := "io.weight", strconv.FormatUint(resources.IOWeight(b.Weight), 10)
		if bfq {
			file, value = "io.bfq.weight", strconv.Itoa(int(b.Weight))
		}
		if err := writeIO(dir, file, value); err != nil {
			return err
		}
	}
	for _, d := range b.WeightDevices {
		if d.Weight == 0 {
			continue
		}
		file, value := "io.weight", fmt.Sprintf("%s %d", d.Device, resources.IOWeight(d.Weight))
		if bfq {
			file, value = "io.bfq.weight", fmt.Sprintf("%s %d", d.Device, d.Weight)
		}
		if err := writeIO(dir, file, value); err != nil {
			return err
		}
	}
	for key, list := range map[string][]resources.ThrottleDevice{"rbps": b.ReadBps, "wbps": b.WriteBps, "riops": b.ReadIOPS, "wiops": b.WriteIOPS} {
		for _, t := range list {
			if err := writeIO(dir, "io.max", fmt.Sprintf("%s %s=%d", t.Device, key, t.Rate)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeIO writes one io file, saying plainly when the host lacks it
// (io.weight is the blk-cgroup's own weight, in kernels since 5.4 with
// an I/O scheduler or iocost that uses it).
func writeIO(dir, file, value string) error {
	if _, err := os.Stat(filepath.Join(dir, file)); os.IsNotExist(err) {
		return fmt.Errorf("linux.resources.blockIO: this host's io controller has no %s", file)
	}
	return fscommon.WriteFile(dir, file, value)
}

// setRdma writes linux.resources.rdma into rdma.max.
func setRdma(dir string, res *resources.Resources) error {
	for dev, l := range res.Rdma {
		if err := fscommon.WriteFile(dir, "rdma.max", resources.RdmaLine(dev, l)); err != nil {
			return err
		}
	}
	return nil
}

// checkAvailable refuses a blockIO or rdma limit the hierarchy has no
// controller for: said plainly, as the spec's field.
func checkAvailable(available []string, res *resources.Resources) error {
	if res.BlockIO != nil && !contains(available, "io") {
		return fmt.Errorf("linux.resources.blockIO: this host's cgroup v2 has no io controller")
	}
	if len(res.Rdma) > 0 && !contains(available, "rdma") {
		return fmt.Errorf("linux.resources.rdma: this host has no rdma cgroup controller")
	}
	return nil
}
