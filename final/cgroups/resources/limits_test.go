package resources

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCPUsAndPidsLimit(t *testing.T) {
	n, err := ParseCPUs("0.5", 2)
	require.NoError(t, err)
	assert.Equal(t, int64(500000000), n)
	assert.Equal(t, int64(50000), (&Resources{NanoCPUs: n}).CFSQuota())
	for _, bad := range []string{"0", "-1", "3", "x", "0.001"} {
		_, err := ParseCPUs(bad, 2)
		assert.Error(t, err, bad)
	}
	for in, want := range map[string]int64{"10": 10, "0": 0, "-1": 0} {
		got, err := ParsePidsLimit(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"-2", "x", ""} {
		_, err := ParsePidsLimit(bad)
		assert.Error(t, err, bad)
	}
}
