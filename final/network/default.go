package network

import (
	"fmt"
	"strings"
)

// DefaultName is docker's name for the network a container joins with
// --network bridge: made on first use.
const DefaultName = "bridge"

// defaultSubnets are tried in order for the default network, as docker
// tries 172.17.0.0/16 first: the first that overlaps none of our networks
// and no route of the host's is taken.
func defaultSubnets() []string {
	var subnets []string
	for i := 17; i <= 31; i++ {
		subnets = append(subnets, fmt.Sprintf("172.%d.0.0/16", i))
	}
	for i := 200; i <= 254; i++ {
		subnets = append(subnets, fmt.Sprintf("10.%d.0.0/16", i))
	}
	return subnets
}

// Default returns the default network, making it on a free /16 when it
// does not exist yet.
func (s Store) Default() (*Network, error) {
	if n, err := s.Get(DefaultName); err == nil {
		return n, nil
	}
	n, err := s.CreateOnFreeSubnet(DefaultName)
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return s.Get(DefaultName) // another run made it meanwhile
	}
	if err != nil {
		return nil, fmt.Errorf("create the default network: %w", err)
	}
	return n, nil
}

// CreateOnFreeSubnet makes the bridge network name on the first /16 of
// 172.17-31, then 10.200-254, that overlaps none of our networks and no
// route of the host's: network create without --subnet, as docker picks
// one.
func (s Store) CreateOnFreeSubnet(name string) (*Network, error) {
	return s.CreateLabeledOnFreeSubnet(name, nil)
}

// CreateLabeledOnFreeSubnet is CreateOnFreeSubnet, with the network's labels.
func (s Store) CreateLabeledOnFreeSubnet(name string, labels map[string]string) (*Network, error) {
	var last error
	for _, subnet := range defaultSubnets() {
		n, err := s.CreateLabeled(name, "bridge", subnet, labels)
		if err == nil {
			return n, nil
		}
		if !strings.Contains(err.Error(), "overlaps") { // checkFree's refusal
			return nil, err
		}
		last = err
	}
	return nil, fmt.Errorf("no free /16 in 172.17-31 or 10.200-254: %w", last)
}
