package container

import (
	"errors"
	"runtime"

	"github.com/mydocker/mydocker/final/cgroups/resources"
	"github.com/mydocker/mydocker/final/state"
)

// UpdateFlags are docker update's values as given, by flag name:
// "memory", "cpus", "cpu-shares", "cpuset-cpus", "pids-limit" and
// "restart"; a flag not given is not there. The CLI passes its flags, the
// API its request's numbers written out, so both go through run's
// parsers and checks.
type UpdateFlags map[string]string

// ParseUpdate reads f with run's parsers, before any container is
// touched: docker's refusal when nothing is to change.
func ParseUpdate(f UpdateFlags) (Update, error) {
	var u Update
	if s, ok := f["memory"]; ok {
		n, err := resources.ParseMemory(s)
		if err != nil {
			return u, err
		}
		u.Memory = &n
	}
	if s, ok := f["cpus"]; ok {
		n, err := resources.ParseCPUs(s, runtime.NumCPU())
		if err != nil {
			return u, err
		}
		u.NanoCPUs = &n
	}
	if s, ok := f["cpu-shares"]; ok {
		n, err := resources.ParseCPUShares(s)
		if err != nil {
			return u, err
		}
		u.CPUShares = &n
	}
	if s, ok := f["cpuset-cpus"]; ok {
		online, err := resources.OnlineCPUs()
		if err != nil {
			return u, err
		}
		cpus, err := resources.ParseCPUSet(s, online)
		if err != nil {
			return u, err
		}
		u.CPUSet = &cpus
	}
	if s, ok := f["pids-limit"]; ok {
		n, err := resources.ParsePidsLimit(s)
		if err != nil {
			return u, err
		}
		u.PidsLimit = &n
	}
	if s, ok := f["restart"]; ok {
		p, err := state.ParseRestartPolicy(s)
		if err != nil {
			return u, err
		}
		u.Restart = &p
	}
	if len(f) == 0 {
		return u, errors.New("you must provide one or more flags when using this command")
	}
	return u, nil
}
