package container

import (
	"errors"
	"io/fs"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// Networks is the network store of s's root, told what its containers
// hold: an address or host port whose container is gone, or whose state
// does not record it (a kill -9 between the reservation and the save),
// is then collected instead of kept for good.
func Networks(s state.Store) network.Store {
	holder := func(id string) ([]*network.Endpoint, bool, error) { return endpointsOf(s, id) }
	return network.Store{Root: s.Root, Holder: holder}
}

// endpointsOf are the endpoints that the state of container id records,
// and whether the container exists. A state that cannot be read is an
// error: what it holds is kept.
func endpointsOf(s state.Store, id string) ([]*network.Endpoint, bool, error) {
	if !state.IsID(id) {
		return nil, false, nil // no container of ours has that name
	}
	st, err := s.Load(id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	return st.Endpoints(), true, nil
}
