package container

import (
	"sort"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// publishedPorts are the host ports the container asks for at each
// start: -p's, and with -P a free one for each exposed port that -p does
// not publish. They are asked for again at every start, as docker does:
// an explicit port is the same one, a free port may be another.
func publishedPorts(st *state.Container, opts RunOptions) []network.Port {
	if !opts.PublishAll {
		return opts.Ports
	}
	exposed := make([]string, 0, len(st.Config.ExposedPorts))
	for p := range st.Config.ExposedPorts {
		exposed = append(exposed, p)
	}
	sort.Strings(exposed) // the same order at every start
	return network.PublishAll(opts.Ports, exposed)
}
