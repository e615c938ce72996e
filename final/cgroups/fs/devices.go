package fs

import (
	"path/filepath"

	"github.com/mydocker/mydocker/final/cgroups/fscommon"
	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// devices is cgroup v1's device controller: everything is denied, then
// each rule allowed.
type devices struct{}

func (*devices) Name() string { return "devices" }

func (*devices) Configured(res *resources.Resources) bool { return res.Devices != nil }

func (*devices) Set(mount, path string, res *resources.Resources) error {
	dir := filepath.Join(mount, path)
	if err := fscommon.WriteFile(dir, "devices.deny", "a"); err != nil {
		return err
	}
	for _, rule := range res.Devices {
		if err := fscommon.WriteFile(dir, "devices.allow", rule.String()); err != nil {
			return err
		}
	}
	return nil
}
