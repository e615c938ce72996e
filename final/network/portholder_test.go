package network

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHoldPortsRefusesATakenPortAndHoldsUntilReleased(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	busy := l.Addr().(*net.TCPAddr).Port
	err = holdPorts("a", []Port{{Host: busy, Container: 80, Proto: "tcp"}})
	assert.ErrorContains(t, err, "address already in use")
	l.Close()

	// Held: nobody else binds it, until released.
	free := Port{Host: busy, Container: 80, Proto: "tcp"}
	require.NoError(t, holdPorts("b", []Port{free}))
	_, err = net.Listen("tcp", l.Addr().String())
	assert.Error(t, err, "held")
	releaseHeld("b")
	again, err := net.Listen("tcp", l.Addr().String())
	require.NoError(t, err, "released")
	again.Close()
}

func TestHoldPortsHoldsNoneWhenOneFails(t *testing.T) {
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	busy := l.LocalAddr().(*net.UDPAddr).Port
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	first := probe.Addr().(*net.TCPAddr).Port
	probe.Close()
	err = holdPorts("c", []Port{{Host: first, Container: 80, Proto: "tcp"}, {Host: busy, Container: 53, Proto: "udp"}})
	assert.ErrorContains(t, err, "address already in use")
	back, err := net.Listen("tcp", probe.Addr().String())
	require.NoError(t, err, "the first port was let go")
	back.Close()
}
