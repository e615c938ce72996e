package network

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMacOfFollowsTheAddress(t *testing.T) {
	assert.Equal(t, "02:42:ac:11:00:02", macOf(net.ParseIP("172.17.0.2")).String(), "docker's shape")
	assert.Equal(t, macOf(net.ParseIP("10.250.0.3")), macOf(net.ParseIP("10.250.0.3")),
		"an address given again has the same MAC: neighbours' ARP caches stay right")
	assert.Equal(t, byte(0x02), macOf(net.ParseIP("10.0.0.1"))[0]&0x03, "locally administered, unicast")
}
