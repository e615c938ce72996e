package image

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExposeAddsDockersKeys(t *testing.T) {
	var cfg v1.Config
	require.NoError(t, ApplyChange(&cfg, "EXPOSE 80 53/udp"))
	require.NoError(t, ApplyChange(&cfg, "expose 8000-8001/TCP"))
	assert.Equal(t, map[string]struct{}{"80/tcp": {}, "53/udp": {}, "8000/tcp": {}, "8001/tcp": {}}, cfg.ExposedPorts)
	for _, bad := range []string{"EXPOSE", "EXPOSE x", "EXPOSE 0", "EXPOSE 80/icmp", "EXPOSE 90-80"} {
		assert.Error(t, ApplyChange(&cfg, bad), bad)
	}
}
