package network

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An address or port whose owner is gone, or whose owner's state does not
// record it, is collected; one whose owner cannot be read is kept.
func TestCollectAllocationsKeepsOnlyWhatOwnersHold(t *testing.T) {
	alive := &Endpoint{Network: "n", IP: "10.0.0.2", Ports: []Port{{Host: 80, Container: 80, Proto: "tcp"}}}
	s := Store{Root: t.TempDir(), Holder: func(id string) ([]*Endpoint, bool, error) {
		switch id {
		case "alive":
			return []*Endpoint{alive}, true, nil
		case "unreadable":
			return nil, true, os.ErrPermission
		}
		return nil, false, nil
	}}
	require.NoError(t, s.ipam().save("n", map[string]string{
		"10.0.0.2": "alive", "10.0.0.3": "alive", "10.0.0.4": "gone", "10.0.0.5": "unreadable",
	}))
	require.NoError(t, s.savePorts(map[string]string{"tcp/80": "alive", "udp/80": "alive", "tcp/81": "gone"}))

	require.NoError(t, s.collectAllocations("n"))
	require.NoError(t, s.collectPorts())

	got, err := s.ipam().load("n")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"10.0.0.2": "alive", "10.0.0.5": "unreadable"}, got)
	ports, err := s.loadPorts()
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"tcp/80": "alive"}, ports)
}

// Without a Holder nothing is collected: a caller that cannot tell keeps.
func TestCollectWithoutHolderKeeps(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, s.ipam().save("n", map[string]string{"10.0.0.4": "gone"}))
	require.NoError(t, s.collectAllocations("n"))
	got, err := s.ipam().load("n")
	require.NoError(t, err)
	assert.Len(t, got, 1)
}

// A network file that does not parse is named, and kept.
func TestDamagedNetworkFileIsNamedAndKept(t *testing.T) {
	s := Store{Root: t.TempDir()}
	require.NoError(t, os.MkdirAll(s.dir(), 0o700))
	require.NoError(t, os.WriteFile(s.path("n"), []byte(`{"name": "n`), 0o600))
	_, err := s.List()
	require.Error(t, err)
	assert.Contains(t, err.Error(), s.path("n")+" is damaged")
	assert.FileExists(t, s.path("n"))
}

// Temporary files of atomicfile go, however fresh (every write is under
// the lock the collector holds); other files stay.
func TestCollectTemp(t *testing.T) {
	s := Store{Root: t.TempDir()}
	old := time.Now().Add(-time.Minute)
	files := map[string]bool{ // path: collected
		filepath.Join(s.dir(), ".n.json.tmp-1"):        true,
		filepath.Join(s.Root, "ipam", ".n.json.tmp-2"): true,
		filepath.Join(s.Root, ".ports.json.tmp-3"):     true,
		filepath.Join(s.Root, ".images.json.tmp-4"):    false, // not ours
		filepath.Join(s.dir(), "n.json"):               false,
	}
	for path := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
		require.NoError(t, os.WriteFile(path, []byte("{"), 0o600))
		require.NoError(t, os.Chtimes(path, old, old))
	}
	fresh := filepath.Join(s.dir(), ".n.json.tmp-5")
	require.NoError(t, os.WriteFile(fresh, []byte("{"), 0o600))
	files[fresh] = true

	s.collectTemp()

	for path, collected := range files {
		_, err := os.Stat(path)
		assert.Equal(t, collected, os.IsNotExist(err), path)
	}
}
