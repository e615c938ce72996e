package network

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
)

// A Create that fails half-way (its bridge's name is taken) is an error,
// not a panic, and leaves no network behind.
func TestCreateThatFailsUndoesItself(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it makes a network device")
	}
	s := Store{Root: t.TempDir()}
	taken := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: bridgeName(s.Root, "clash")}}
	require.NoError(t, netlink.LinkAdd(taken))
	t.Cleanup(func() { _ = netlink.LinkDel(taken) })

	_, err := s.Create("clash", "bridge", "10.249.3.0/24")

	require.Error(t, err)
	nets, err := s.List()
	require.NoError(t, err)
	assert.Empty(t, nets, "the failed network is not kept")
}

// Two state roots can each have a network of the same name.
func TestTwoRootsOneName(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it makes bridges")
	}
	a, b := Store{Root: t.TempDir()}, Store{Root: t.TempDir()}
	na, err := a.Create("same", "bridge", "10.249.4.0/24")
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Remove("same") })
	nb, err := b.Create("same", "bridge", "10.249.5.0/24")
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Remove("same") })
	assert.NotEqual(t, na.Bridge, nb.Bridge)
	require.NoError(t, a.Remove("same"))
	// b's rules survive a's last network going.
	_, err = netlink.LinkByName(nb.Bridge)
	assert.NoError(t, err)
	ok, err := networkRulesPresent(nb)
	require.NoError(t, err)
	assert.True(t, ok, "the other root's rules are kept")
}

func networkRulesPresent(n *Network) (bool, error) {
	t, err := ipt()
	if err != nil {
		return false, err
	}
	for _, r := range networkRules(n) {
		if ok, err := t.Exists(r.table, r.chain, r.rule...); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}
