package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPUList(t *testing.T) {
	set, err := cpuList("initial", "0-3,7")
	require.NoError(t, err)
	assert.Equal(t, 5, set.Count())
	assert.True(t, set.IsSet(7))
	assert.False(t, set.IsSet(4))
	for _, bad := range []string{"", "a", "3-1", "-1", "1,", "0-", "99999"} {
		_, err := cpuList("final", bad)
		assert.ErrorContains(t, err, "process.execCPUAffinity.final", bad)
	}
}

// exec's process always has a final list ("all": runc's reset), an
// initial one only when asked.
func TestExecAffinityParams(t *testing.T) {
	assert.Equal(t, []string{"cpufinal=all"}, execAffinityParams(nil))
	assert.Equal(t, []string{"cpufinal=all", "cpuinitial=1"}, execAffinityParams(&specs.CPUAffinity{Initial: "1"}))
	assert.Equal(t, []string{"cpufinal=0-1"}, execAffinityParams(&specs.CPUAffinity{Final: "0-1"}))
}
