package enter

import (
	"fmt"
	"strings"

	units "github.com/docker/go-units"

	"github.com/mydocker/mydocker/final/nsenter"
	"github.com/mydocker/mydocker/final/state"
)

// rlimitParams give an exec'd command the container's --ulimit limits,
// as docker's exec (its process is the container's spec's), set by the
// nsenter constructor while it may still raise them.
func rlimitParams(st *state.Container) ([]string, error) {
	var limits []string
	for _, u := range st.Process.Ulimits {
		r, err := (&units.Ulimit{Name: u.Name, Soft: u.Soft, Hard: u.Hard}).GetRlimit()
		if err != nil {
			return nil, err
		}
		limits = append(limits, fmt.Sprintf("%d:%d:%d", r.Type, r.Soft, r.Hard))
	}
	if len(limits) == 0 {
		return nil, nil
	}
	return []string{nsenter.ParamRlimits + "=" + strings.Join(limits, ",")}, nil
}
