package container

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSendInitCommandKeepsTheList(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	argv := []string{"sh", "-c", `echo "a  b"`, "", "-m", "x\ny"}

	require.NoError(t, sendInitCommand(argv, w))

	got, err := decodeCommand(r)
	require.NoError(t, err)
	assert.Equal(t, argv, got)
}

func TestDecodeCommandRefusesNothing(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	w.Close() // the parent gave up without sending

	_, err = decodeCommand(r)
	assert.ErrorContains(t, err, "read the command")
}
