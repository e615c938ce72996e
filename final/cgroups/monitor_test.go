package cgroups

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMonitorPathIsBesideTheContainers(t *testing.T) {
	assert.Equal(t, "mydocker/monitor-abc", monitorPath("abc"))
}

func TestMonitorCgroupRefusesWhatIsNoID(t *testing.T) {
	for _, id := range []string{"", ".", "..", "a/b", "../../etc"} {
		assert.Error(t, JoinMonitor(id), id)
		assert.Error(t, RemoveMonitor(id), id)
	}
}
