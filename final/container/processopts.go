package container

import (
	units "github.com/docker/go-units"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/state"
)

// initProcess is what init sets up for the command from the container's
// process options (run's --ulimit, --shm-size, --sysctl, --group-add,
// --init): the limits by setrlimit's numbers, -1 as unlimited.
func initProcess(p state.ProcessOptions) (initproc.Process, error) {
	out := initproc.Process{ShmSize: p.ShmSize, Sysctls: p.Sysctls, GroupAdd: p.GroupAdd, Init: p.Init}
	for _, u := range p.Ulimits {
		r, err := (&units.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard}).GetRlimit()
		if err != nil {
			return out, err
		}
		out.Rlimits = append(out.Rlimits, initproc.Rlimit{Resource: r.Type, Soft: r.Soft, Hard: r.Hard})
	}
	return out, nil
}
