package network

import (
	"net"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllocateSkipsTheReservedAddressesAndFillsUp(t *testing.T) {
	s := Store{Root: t.TempDir()}
	n := &Network{Name: "small", Subnet: "10.0.0.0/29", Gateway: "10.0.0.1"}
	var got []string
	for i := 0; i < 5; i++ {
		ip, err := s.ipam().Allocate(n, "c")
		require.NoError(t, err)
		got = append(got, ip.String())
	}
	assert.Equal(t, []string{"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}, got,
		"never .0 (the network), .1 (the gateway) or .7 (broadcast)")
	_, err := s.ipam().Allocate(n, "c")
	assert.ErrorContains(t, err, "full")

	require.NoError(t, s.ipam().Release(n, "10.0.0.4", "c"))
	ip, err := s.ipam().Allocate(n, "d")
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.4", ip.String(), "a released address is given again")
	require.NoError(t, s.ipam().Release(n, "10.0.0.4", "c"), "not c's any more: nothing happens")
	all, err := s.ipam().load("small")
	require.NoError(t, err)
	assert.Equal(t, "d", all["10.0.0.4"])
}

func TestAllocateCarriesAcrossOctets(t *testing.T) {
	s := Store{Root: t.TempDir()}
	n := &Network{Name: "big", Subnet: "10.1.0.0/16", Gateway: "10.1.0.1"}
	var last net.IP
	for i := 0; i < 300; i++ {
		ip, err := s.ipam().Allocate(n, "c")
		require.NoError(t, err)
		last = ip
	}
	assert.Equal(t, "10.1.1.45", last.String(), "the book's ip[3]+=1 had no carry")
}

func TestAllocateUnderTheLockGivesDistinctAddresses(t *testing.T) {
	s := Store{Root: t.TempDir()}
	n := &Network{Name: "net", Subnet: "10.0.0.0/24", Gateway: "10.0.0.1"}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lock, err := s.Lock()
			require.NoError(t, err)
			defer lock.Release()
			ip, err := s.ipam().Allocate(n, "c")
			require.NoError(t, err)
			mu.Lock()
			seen[ip.String()] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	assert.Len(t, seen, 20)
}

// The file format is what it was before the IPAM type: a file an older
// mydocker wrote is read, and written back the same way.
func TestIPAMKeepsItsFileFormat(t *testing.T) {
	s := Store{Root: t.TempDir()}
	a := s.ipam()
	require.NoError(t, os.MkdirAll(a.Dir, 0o700))
	require.NoError(t, os.WriteFile(a.Dir+"/n.json", []byte(`{"10.0.0.2": "old"}`+"\n"), 0o600))
	n := &Network{Name: "n", Subnet: "10.0.0.0/24", Gateway: "10.0.0.1"}
	ip, err := a.Allocate(n, "new")
	require.NoError(t, err)
	assert.Equal(t, "10.0.0.3", ip.String(), "the old owner's address is kept")
	b, err := os.ReadFile(s.Root + "/ipam/n.json")
	require.NoError(t, err)
	assert.JSONEq(t, `{"10.0.0.2": "old", "10.0.0.3": "new"}`, string(b))
}
