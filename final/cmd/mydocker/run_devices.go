package main

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/mydocker/mydocker/final/state"
)

// parseDevices reads each --device as docker: HOST[:CONTAINER][:PERMS],
// the container's path the host's when not given, permissions rwm by
// default. The host's path must be a device node now (each start reads
// it again).
func parseDevices(specs []string) ([]state.Device, error) {
	var list []state.Device
	for _, spec := range specs {
		parts := strings.Split(spec, ":")
		d := state.Device{PathOnHost: parts[0], CgroupPermissions: "rwm"}
		switch {
		case len(parts) > 3 || parts[0] == "":
			return nil, fmt.Errorf("bad format for path: %s", spec)
		case len(parts) == 3:
			if !validDeviceMode(parts[2]) {
				return nil, fmt.Errorf("bad mode specified: %s", parts[2])
			}
			d.PathInContainer, d.CgroupPermissions = parts[1], parts[2]
		case len(parts) == 2 && validDeviceMode(parts[1]):
			d.CgroupPermissions = parts[1]
		case len(parts) == 2:
			d.PathInContainer = parts[1]
		}
		if d.PathInContainer == "" {
			d.PathInContainer = d.PathOnHost
		}
		d.PathInContainer = path.Clean(d.PathInContainer)
		if !path.IsAbs(d.PathInContainer) {
			return nil, fmt.Errorf("%s is not an absolute path", d.PathInContainer)
		}
		if err := isDeviceNode(d.PathOnHost); err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, nil
}

// validDeviceMode is a set of r, w and m, each at most once.
func validDeviceMode(mode string) bool {
	if mode == "" || len(mode) > 3 {
		return false
	}
	for i, c := range mode {
		if !strings.ContainsRune("rwm", c) || strings.ContainsRune(mode[i+1:], c) {
			return false
		}
	}
	return true
}

// isDeviceNode checks that the host's path is a character or block device.
func isDeviceNode(p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("error gathering device information while adding custom device %q: %w", p, err)
	}
	if info.Mode()&os.ModeDevice == 0 {
		return fmt.Errorf("error gathering device information while adding custom device %q: not a device node", p)
	}
	return nil
}
