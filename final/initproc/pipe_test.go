package initproc

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/overlay"
)

func TestSendInitConfigKeepsTheList(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cfg := Config{Args: []string{"sh", "-c", `echo "a  b"`, "", "-m", "x\ny"}, Hostname: "abc",
		Volumes: []overlay.Volume{{Host: "/a", Container: "/b", ReadOnly: true}}}

	require.NoError(t, SendConfig(cfg, w))

	got, err := decodeConfig(r)
	require.NoError(t, err)
	assert.Equal(t, cfg, got)
}

func TestDecodeInitConfigRefusesNothing(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	w.Close() // the parent gave up without sending

	_, err = decodeConfig(r)
	assert.ErrorContains(t, err, "read the command")
}
