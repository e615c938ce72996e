package observe

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNetDevBytesLeavesLoopbackOut(t *testing.T) {
	text := `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
  eth0:    1452      14    0    0    0     0          0         0      648       8    0    0    0     0       0          0
  eth1:      48       1    0    0    0     0          0         0        2       1    0    0    0     0       0          0
`
	rx, tx := netDevBytes(text)
	assert.Equal(t, uint64(1500), rx)
	assert.Equal(t, uint64(650), tx)
}
