package observe

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNetDevsReadsEachInterfaceButLo(t *testing.T) {
	text := `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
  eth0:    1166      13    1    2    0     0          0         0      516       6    3    4    0     0       0          0
`
	got := netDevs(text)
	assert.Equal(t, map[string]NetDev{"eth0": {RxBytes: 1166, RxPackets: 13, RxErrors: 1, RxDropped: 2,
		TxBytes: 516, TxPackets: 6, TxErrors: 3, TxDropped: 4}}, got)
}
