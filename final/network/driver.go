package network

import "fmt"

// Driver makes a kind of network on the host (book 6.1's NetworkDriver).
// The Store keeps the files, the lock and the addresses; a driver makes
// and removes what the kernel holds. It is called with the networks' lock
// held, on a network whose file is written already: a driver that dies
// half-way leaves a Creating mark that the next command sees.
type Driver interface {
	// Name is what --driver takes, and what a network's file records.
	Name() string
	// Create makes the network n on the host. The Store undoes a failed
	// Create with Delete: Delete must cope with what was not made.
	Create(n *Network) error
	// Ensure makes again what something took away from n since Create
	// (a reboot, ip link del, iptables -F), and nothing twice: a run
	// calls it before it connects a container.
	Ensure(n *Network) error
	// Delete undoes Create. It goes on past a failure, so that what can
	// be undone is, and returns the first.
	Delete(n *Network) error
	// Connect gives the container whose init is pid a device on n for
	// the endpoint ep, and returns the name of its end inside the
	// container's network namespace, which the Store then addresses.
	Connect(n *Network, ep *Endpoint, pid int) (inside string, err error)
	// Disconnect removes the endpoint's device, when it is there. It
	// needs no network: the network's file may be gone.
	Disconnect(ep *Endpoint) error
}

// drivers are the drivers this stage has, by name. The book's bridge is
// the only one: --driver takes nothing else.
var drivers = map[string]Driver{bridgeDriver{}.Name(): bridgeDriver{}}

// driverNamed returns the driver name, or the error --driver shows.
func driverNamed(name string) (Driver, error) {
	d, ok := drivers[name]
	if !ok {
		return nil, fmt.Errorf("unknown network driver %q: this stage has bridge", name)
	}
	return d, nil
}
