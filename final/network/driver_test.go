package network

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --driver takes the drivers there are; another is refused before the
// lock is taken or anything is written.
func TestCreateRefusesAnUnknownDriver(t *testing.T) {
	s := Store{Root: t.TempDir() + "/root"}
	_, err := s.Create("x", "overlay", "10.249.9.0/24")
	assert.EqualError(t, err, `unknown network driver "overlay": this stage has bridge`)
	assert.NoDirExists(t, s.Root, "nothing is made")
	d, err := driverNamed("bridge")
	require.NoError(t, err)
	assert.Equal(t, "bridge", d.Name())
}

// A network file naming a driver this mydocker does not have is damaged:
// nothing could make that network again, or remove it.
func TestNetworkOfAnUnknownDriverIsDamaged(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, os.MkdirAll(s.dir(), 0o700))
	require.NoError(t, os.WriteFile(s.path("n"), []byte(`{"name": "n", "driver": "macvlan", "subnet": "10.0.0.0/24"}`), 0o600))
	_, err := s.Get("n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), s.path("n")+" is damaged")
	assert.Contains(t, err.Error(), "macvlan")
}
