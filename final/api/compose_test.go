package api

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/state"
)

// What compose sends at create: a healthcheck, its volumes as Mounts,
// init, become create's flags.
func TestCreateArgsOfComposesRequest(t *testing.T) {
	yes := true
	req := container.CreateRequest{
		Config: &container.Config{Image: "busybox", Healthcheck: &container.HealthConfig{
			Test: []string{"CMD", "test", "-f", "/data/it's"}, Interval: 100 * time.Millisecond, Retries: 30,
		}},
		HostConfig: &container.HostConfig{Init: &yes, Mounts: []mount.Mount{
			{Type: mount.TypeVolume, Source: "proj_data", Target: "/data", VolumeOptions: &mount.VolumeOptions{NoCopy: true}},
			{Type: mount.TypeBind, Source: "/srv", Target: "/srv", ReadOnly: true},
		}, Tmpfs: map[string]string{"/run": "size=1m"}},
	}
	args, err := createArgs(req, "proj-db-1")
	require.NoError(t, err)
	for _, want := range []string{
		`--health-cmd='test' '-f' '/data/it'\''s'`, "--health-interval=100ms", "--health-retries=30",
		"--init", "--mount=type=volume,target=/data,source=proj_data,volume-nocopy",
		"--mount=type=bind,target=/srv,source=/srv,readonly", "--tmpfs=/run:size=1m",
	} {
		assert.Contains(t, args, want)
	}
	for _, test := range [][]string{{"NONE"}, {"CMD-SHELL", "true"}} {
		req.Config.Healthcheck = &container.HealthConfig{Test: test}
		args, err := createArgs(req, "")
		require.NoError(t, err)
		assert.Contains(t, args, map[string]string{"NONE": "--no-healthcheck", "CMD-SHELL": "--health-cmd=true"}[test[0]])
	}
}

func TestCreateArgsRefuseWhatCannotBeMounted(t *testing.T) {
	for _, m := range []mount.Mount{
		{Type: mount.TypeNamedPipe, Source: "x", Target: "/x"},
		{Type: mount.TypeVolume, Source: "v", Target: "/x", VolumeOptions: &mount.VolumeOptions{Subpath: "a"}},
		{Type: mount.TypeBind, Source: "/a,b", Target: "/x"},
	} {
		_, err := createArgs(container.CreateRequest{Config: &container.Config{Image: "busybox"},
			HostConfig: &container.HostConfig{Mounts: []mount.Mount{m}}}, "")
		assert.ErrorContains(t, err, "invalid mount config", m)
	}
	_, err := createArgs(container.CreateRequest{Config: &container.Config{Image: "busybox",
		Healthcheck: &container.HealthConfig{Test: []string{"CMD"}}}}, "")
	assert.ErrorContains(t, err, "CMD takes a command")
}

// A running container's ports, mounts and health as the list and
// inspect give them, which compose ps, port and up --wait read.
func TestSummaryAndInspectShowPortsMountsAndHealth(t *testing.T) {
	st := &state.Container{ID: strings.Repeat("ab", 32), Name: "web",
		Config:      state.Config{ExposedPorts: map[string]struct{}{"8080/tcp": {}, "9000/udp": {}}},
		Endpoint:    &network.Endpoint{Network: "proj_default", IP: "10.1.0.2/24", Ports: []network.Port{{HostIP: "127.0.0.1", Host: 32768, Container: 8080, Proto: "tcp"}}},
		Volumes:     []overlay.Volume{{Name: "proj_data", Host: "/r/volumes/proj_data/_data", Container: "/data"}},
		Healthcheck: &state.HealthConfig{Test: []string{"CMD-SHELL", "true"}},
		Health:      &state.Health{Status: state.HealthHealthy},
	}
	me, err := state.ProcessOf(os.Getpid()) // stands in for its init
	require.NoError(t, err)
	st.Status, st.Init = state.Running, me
	sum := summaryOf(st)
	require.Len(t, sum.Ports, 2)
	assert.Equal(t, "127.0.0.1", sum.Ports[0].IP.String())
	assert.Equal(t, uint16(32768), sum.Ports[0].PublicPort)
	assert.Equal(t, container.PortSummary{PrivatePort: 9000, Type: "udp"}, sum.Ports[1])
	assert.Equal(t, container.Healthy, sum.Health.Status)
	in := inspectOf(st)
	assert.Equal(t, container.Healthy, in.State.Health.Status)
	assert.Equal(t, []string{"CMD-SHELL", "true"}, in.Config.Healthcheck.Test)
	require.Len(t, in.Mounts, 1)
	assert.Equal(t, mount.TypeVolume, in.Mounts[0].Type)
	assert.Equal(t, "proj_data", in.Mounts[0].Name)
	assert.Equal(t, 24, in.NetworkSettings.Networks["proj_default"].IPPrefixLen)
}
