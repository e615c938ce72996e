package overlay

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseVolume(t *testing.T) {
	for spec, want := range map[string]Volume{
		"/root/volume:/containerVolume": {Host: "/root/volume", Container: "/containerVolume"},
		"/a:/b:ro":                      {Host: "/a", Container: "/b", ReadOnly: true},
		"/a:/b:rw":                      {Host: "/a", Container: "/b"},
		"/a/../c/:/b//d/":               {Host: "/c", Container: "/b/d"},
		"/with,comma:/x":                {Host: "/with,comma", Container: "/x"},
	} {
		got, err := ParseVolume(spec)
		require.NoError(t, err, spec)
		assert.Equal(t, want, got, spec)
	}
}

func TestParseVolumeRefuses(t *testing.T) {
	for _, spec := range []string{
		"/a", "a:b", "/a:b", "a:/b", "/a:/b:rw:x", "/a:/b:rx", ":/b", "/a:", ":", "", "/a:/", "/a:/b/..",
	} {
		_, err := ParseVolume(spec)
		assert.Error(t, err, spec)
	}
	_, err := ParseVolume("/a")
	assert.EqualError(t, err, `invalid volume "/a": want two or three parts separated by ':' (want /host/dir:/container/dir[:ro])`)
}
