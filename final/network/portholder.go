package network

import (
	"io"
	"net"
	"sync"
)

// held are the host ports this process holds for its containers, by
// container ID. The monitor is the process that connects a container
// (Reserve) and lives as long as it does: the port stays bound, as
// docker's port reservation keeps it, so no host service can take it
// while the DNAT sends its traffic to the container, and its teardown
// (Disconnect) lets it go. A monitor killed lets go of them with its
// descriptors.
var held = struct {
	sync.Mutex
	ports map[string][]io.Closer
}{ports: map[string][]io.Closer{}}

// hold keeps the bound host ports cs for container id.
func hold(id string, cs []io.Closer) {
	held.Lock()
	defer held.Unlock()
	held.ports[id] = append(held.ports[id], cs...)
}

// releaseHeld lets go of the host ports held for container id: none in a
// process that did not connect it.
func releaseHeld(id string) {
	held.Lock()
	got := held.ports[id]
	delete(held.ports, id)
	held.Unlock()
	closeAll(got)
}

// drain answers what reaches the bound port itself: the DNAT takes every
// IPv4 packet to it first, so only IPv6 comes, for which we have no
// proxy. A connection is closed at once rather than left to hang in the
// backlog, a datagram dropped. The goroutine ends when the port is let go.
func drain(c io.Closer) {
	switch l := c.(type) {
	case net.Listener:
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				conn.Close()
			}
		}()
	case net.PacketConn:
		go func() {
			buf := make([]byte, 1)
			for {
				if _, _, err := l.ReadFrom(buf); err != nil {
					return
				}
			}
		}()
	}
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		c.Close()
	}
}
