package fs2

import (
	"os"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// The device program passes the kernel's verifier (it is loaded, not
// attached: the cgroup v2 VM's tests attach it and try the devices).
func TestDeviceProgramLoads(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: it loads an eBPF program")
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type: ebpf.CGroupDevice, Instructions: deviceProgram(resources.DefaultDeviceRules()), License: "Apache-2.0",
	})
	require.NoError(t, err)
	prog.Close()
}
