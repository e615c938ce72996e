package resources

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMemory(t *testing.T) {
	for in, want := range map[string]int64{
		"32m":       32 << 20,
		"32M":       32 << 20,
		"1g":        1 << 30,
		"10240k":    10 << 20,
		"104857600": 100 << 20,
		"7340032b":  7 << 20,
	} {
		got, err := ParseMemory(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

func TestParseMemoryRefuses(t *testing.T) {
	for _, in := range []string{"lots", "", "m", "-5m", "0", "1.5g", "100x", "5m", "99999999999999g"} {
		_, err := ParseMemory(in)
		assert.Error(t, err, in)
	}
	_, err := ParseMemory("lots")
	assert.EqualError(t, err, `invalid memory limit "lots": want a size such as 100m (bytes, or k, m, g)`)
}

func TestParseCPUShares(t *testing.T) {
	got, err := ParseCPUShares("512")
	require.NoError(t, err)
	assert.Equal(t, uint64(512), got)

	for _, in := range []string{"", "0", "1", "262145", "-1", "many", "1.5"} {
		_, err := ParseCPUShares(in)
		assert.Error(t, err, in)
	}
}

func TestParseCPUSet(t *testing.T) {
	for _, in := range []string{"0", "1", "0-1", "0,1", "0-3", "2,3"} {
		got, err := ParseCPUSet(in, "0-3")
		require.NoError(t, err, in)
		assert.Equal(t, in, got)
	}
}

func TestParseCPUSetRefuses(t *testing.T) {
	for _, in := range []string{"99", "0-4", "", "a", "1-0", "-1", "0,,1", "0-"} {
		_, err := ParseCPUSet(in, "0-3")
		assert.Error(t, err, in)
	}
	_, err := ParseCPUSet("99", "0-1")
	assert.EqualError(t, err, `invalid cpuset "99": CPU 99 does not exist (online: 0-1)`)
}

func TestIsEmpty(t *testing.T) {
	assert.True(t, (&Resources{}).IsEmpty())
	assert.False(t, (&Resources{CPUSet: "0"}).IsEmpty())
}
