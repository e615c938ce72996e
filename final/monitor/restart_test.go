package monitor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRestartDelayGrowsAndStops(t *testing.T) {
	assert.Equal(t, 100*time.Millisecond, restartDelay(0))
	assert.Equal(t, 400*time.Millisecond, restartDelay(2))
	assert.Equal(t, time.Minute, restartDelay(50))
}
