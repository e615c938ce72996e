package network

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
)

// predefined are docker's networks that are no bridge, by name, with
// their drivers: "host" shares the host's network namespace, "none"
// (driver "null") gives a container lo alone. They are no file under the
// root and nothing on the host: a container's state says it is on one
// (HostNetwork, or no endpoint), and ls and inspect show them as docker
// does; create and rm refuse their names.
var predefined = map[string]string{"host": "host", "none": "null"}

// IsPredefined tells whether name is host or none.
func IsPredefined(name string) bool {
	_, ok := predefined[name]
	return ok
}

// Predefined returns host and none, by name. Their IDs are derived from
// their names (docker's are random, made once per daemon): the same in
// every run and under every root, so that an ID a script kept still
// names them.
func Predefined() []*Network {
	var nets []*Network
	for name, driver := range predefined {
		sum := sha256.Sum256([]byte("mydocker predefined network\x00" + name))
		nets = append(nets, &Network{ID: hex.EncodeToString(sum[:]), Name: name, Driver: driver})
	}
	sort.Slice(nets, func(i, j int) bool { return nets[i].Name < nets[j].Name })
	return nets
}

// PredefinedNamed returns host or none, or nil.
func PredefinedNamed(name string) *Network {
	for _, n := range Predefined() {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// refusePredefined is docker's refusal to create or remove host or none
// (op "create" or "remove").
func refusePredefined(name, op string) error {
	if !IsPredefined(name) {
		return nil
	}
	if op == "remove" {
		return fmt.Errorf("%s is a pre-defined network and cannot be removed", name)
	}
	return fmt.Errorf("operation is not permitted on predefined %s network", name)
}
