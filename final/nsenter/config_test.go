package nsenter

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigFileIsParamsThenEnvironment(t *testing.T) {
	f, err := ConfigFile([]string{"pid=12", "cgroups=/a:/b"}, []string{"PATH=/bin", "X=a=b"})
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, "pid=12\x00cgroups=/a:/b\x00\x00PATH=/bin\x00X=a=b\x00", string(b))
}

// A NUL would cut a string in two, and a parameter without a key would
// not be one: what the constructor reads would not be what was meant.
func TestConfigFileRefusesWhatItCannotCarry(t *testing.T) {
	_, err := ConfigFile([]string{"pid=1"}, []string{"A=1\x00pid=2"})
	assert.ErrorContains(t, err, "NUL")
	_, err = ConfigFile([]string{"pid=1\x00uid=0"}, nil)
	assert.ErrorContains(t, err, "NUL")
	for _, p := range []string{"", "pid", "=1"} {
		_, err = ConfigFile([]string{p}, nil)
		assert.Error(t, err, "%q", p)
	}
}

// The seccomp program is binary: it goes on a file of its own, whole.
func TestProgramFileHoldsTheProgram(t *testing.T) {
	prog := []byte{6, 0, 0, 0, 0, 0, 0xff, 0x7f}
	f, err := ProgramFile(prog)
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	assert.Equal(t, prog, b)
	_, err = ProgramFile(prog[:5])
	assert.Error(t, err)
}
