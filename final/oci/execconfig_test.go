package oci

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the constructor reads is what the process says: each capability
// set a mask of its own, rlimits by the kernel's numbers.
func TestExecConfinementIsTheProcesss(t *testing.T) {
	adj := -500
	p := &specs.Process{
		Capabilities: &specs.LinuxCapabilities{
			Bounding:  []string{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"},
			Effective: []string{"CAP_KILL"},
			Ambient:   []string{"CAP_NET_BIND_SERVICE"},
		},
		Rlimits:         []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 512, Hard: 1024}},
		OOMScoreAdj:     &adj,
		NoNewPrivileges: true,
	}
	params, err := execConfinement(p)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"capb=421", "cape=20", "capp=0", "capi=0", "capa=400",
		"rlimits=7:512:1024", "oom=-500", "nnp=1"}, params)
	p.Capabilities.Effective = []string{"CAP_NOPE"}
	_, err = execConfinement(p)
	assert.ErrorContains(t, err, "CAP_NOPE")
}

func TestExecReportIsPidOrError(t *testing.T) {
	pid, failure := readReport(strings.NewReader("pid 42\n"))
	assert.Equal(t, 42, pid)
	assert.Empty(t, failure)
	pid, failure = readReport(strings.NewReader("error exec: change to the working directory /x: No such file or directory\npid 7\n"))
	assert.Equal(t, 7, pid)
	assert.Equal(t, "exec: change to the working directory /x: No such file or directory", failure)
	pid, _ = readReport(strings.NewReader(""))
	assert.Zero(t, pid)
}
