package network

import (
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freePort is a TCP port free on 127.0.0.1 now, with the next two.
func freePort(t *testing.T) int {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		ok := p < 65533
		for i := 1; ok && i < 3; i++ {
			next, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+i))
			if ok = err == nil; ok {
				next.Close()
			}
		}
		if ok {
			return p
		}
	}
	t.Fatal("no three free ports in a row")
	return 0
}

func reserve(t *testing.T, s Store, owner string, reqs ...Port) ([]Port, error) {
	got, bound, err := s.allocatePorts(reqs, owner)
	if err == nil {
		hold(owner, bound)
		t.Cleanup(func() { releaseHeld(owner) })
	}
	return got, err
}

func TestHostPortsAreTakenOnce(t *testing.T) {
	s := Store{Root: t.TempDir()}
	free := freePort(t)
	lo := Port{HostIP: "127.0.0.1", Host: free, Container: 80, Proto: "tcp"}
	_, err := reserve(t, s, "a", lo)
	require.NoError(t, err)
	_, err = reserve(t, s, "b", lo)
	assert.ErrorContains(t, err, fmt.Sprintf("Bind for 127.0.0.1:%d failed: port is already allocated", free))
	assert.ErrorContains(t, err, "taken by container a")
	all := Port{Host: free, Container: 80, Proto: "tcp"}
	_, err = reserve(t, s, "b", all)
	assert.ErrorContains(t, err, "port is already allocated", "all addresses include 127.0.0.1")
	_, err = reserve(t, s, "b", Port{HostIP: "0.0.0.0", Host: free, Container: 80, Proto: "tcp"})
	assert.ErrorContains(t, err, "Bind for 0.0.0.0:", "0.0.0.0 is all addresses")
	_, err = reserve(t, s, "b", Port{HostIP: "127.0.0.1", Host: free, Container: 80, Proto: "udp"})
	require.NoError(t, err, "another protocol")
	_, err = reserve(t, s, "c", Port{HostIP: "127.0.0.2", Host: free, Container: 80, Proto: "tcp"})
	require.NoError(t, err, "another address")

	releaseHeld("a")
	require.NoError(t, s.releasePorts([]Port{lo}, "a"))
	_, err = reserve(t, s, "d", lo)
	require.NoError(t, err, "given back")

	twice := Port{HostIP: "127.0.0.1", Host: free + 1, Container: 80, Proto: "tcp"}
	other := twice
	other.Container = 81
	_, err = reserve(t, s, "e", twice, other)
	assert.ErrorContains(t, err, "mapped twice")
	taken, err := s.loadPorts()
	require.NoError(t, err)
	assert.NotContains(t, taken, portKey(twice), "nothing is kept of a refused run")
	assert.Contains(t, taken, fmt.Sprintf("tcp/127.0.0.1/%d", free))
}

func TestAHeldPortIsBoundOnItsAddressAlone(t *testing.T) {
	s := Store{Root: t.TempDir()}
	free := freePort(t)
	_, err := reserve(t, s, "a", Port{HostIP: "127.0.0.1", Host: free, Container: 80, Proto: "tcp"})
	require.NoError(t, err)
	_, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", free))
	assert.Error(t, err, "held on 127.0.0.1")
	other, err := net.Listen("tcp", fmt.Sprintf("127.0.0.2:%d", free))
	require.NoError(t, err, "not held on 127.0.0.2")
	other.Close()
	releaseHeld("a")
	again, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", free))
	require.NoError(t, err, "released")
	again.Close()
}

func TestARangeOrNoHostPortTakesAFreeOne(t *testing.T) {
	s := Store{Root: t.TempDir()}
	free := freePort(t)
	// A host service has the first port of the range: the next is taken.
	busy, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", free))
	require.NoError(t, err)
	defer busy.Close()
	rng := Port{HostIP: "127.0.0.1", Host: free, HostEnd: free + 2, Container: 80, Proto: "tcp"}
	got, err := reserve(t, s, "a", rng)
	require.NoError(t, err)
	assert.Equal(t, []Port{{HostIP: "127.0.0.1", Host: free + 1, Container: 80, Proto: "tcp"}}, got)
	got, err = reserve(t, s, "b", rng)
	require.NoError(t, err)
	assert.Equal(t, free+2, got[0].Host, "another container's port is skipped")
	_, err = reserve(t, s, "c", rng)
	assert.ErrorContains(t, err, "all ports are allocated")

	got, err = reserve(t, s, "d", Port{HostIP: "127.0.0.1", Container: 80, Proto: "udp"})
	require.NoError(t, err)
	lo, hi := ephemeralRange()
	assert.True(t, got[0].Host >= lo && got[0].Host <= hi, "%d in %d-%d", got[0].Host, lo, hi)
}

func TestAPortAHostServiceHasIsRefusedAndNothingIsHeld(t *testing.T) {
	s := Store{Root: t.TempDir()}
	busy, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	port := busy.LocalAddr().(*net.UDPAddr).Port
	first := freePort(t)
	_, err = reserve(t, s, "a",
		Port{HostIP: "127.0.0.1", Host: first, Container: 80, Proto: "tcp"},
		Port{HostIP: "127.0.0.1", Host: port, Container: 53, Proto: "udp"})
	assert.ErrorContains(t, err, fmt.Sprintf("failed to bind host port 127.0.0.1:%d/udp: address already in use", port))
	back, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", first))
	require.NoError(t, err, "the first port was let go")
	back.Close()
	taken, err := s.loadPorts()
	require.NoError(t, err)
	assert.Empty(t, taken)
}

func TestPortKeysOfOlderFilesStillRead(t *testing.T) {
	p, ok := keyPort("tcp/8080")
	assert.True(t, ok)
	assert.Equal(t, Port{Host: 8080, Proto: "tcp"}, p)
	p, ok = keyPort("udp/127.0.0.1/53")
	assert.True(t, ok)
	assert.Equal(t, Port{HostIP: "127.0.0.1", Host: 53, Proto: "udp"}, p)
	_, ok = keyPort("garbage")
	assert.False(t, ok)
}
