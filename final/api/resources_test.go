package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/events"
	"github.com/mydocker/mydocker/final/observe"
	"github.com/mydocker/mydocker/final/state"
)

func TestCreateTakesTheAliasesOfItsOwnUserNetworkButItsName(t *testing.T) {
	req := container.CreateRequest{
		Config:     &container.Config{Image: "busybox"},
		HostConfig: &container.HostConfig{NetworkMode: "proj_default"},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			"proj_default": {Aliases: []string{"proj-web-1", "web"}},
		}},
	}
	args, err := createArgs(req, "proj-web-1")
	require.NoError(t, err)
	assert.Contains(t, args, "--network-alias=web")
	assert.NotContains(t, args, "--network-alias=proj-web-1")
	// docker keeps no aliases on its default bridge.
	req.HostConfig.NetworkMode = "bridge"
	req.NetworkingConfig.EndpointsConfig["bridge"] = req.NetworkingConfig.EndpointsConfig["proj_default"]
	args, err = createArgs(req, "proj-web-1")
	require.NoError(t, err)
	assert.NotContains(t, args, "--network-alias=web")
}

func TestResourceRequestsAnswerDockersStatusesForWhatIsNotThere(t *testing.T) {
	_, h := testServer(t, func(context.Context, []string) (*state.Container, error) {
		t.Fatal("nothing is created")
		return nil, nil
	})
	for _, c := range []struct {
		method, path, body string
		code               int
		msg                string
	}{
		{"GET", "/v1.44/networks/nosuch", "", http.StatusNotFound, "network nosuch not found"},
		{"DELETE", "/networks/nosuch", "", http.StatusNotFound, "network nosuch not found"},
		{"DELETE", "/networks/host", "", http.StatusForbidden, "host is a pre-defined network and cannot be removed"},
		{"POST", "/networks/create", `{"Name":"host"}`, http.StatusConflict, "network with name host already exists"},
		{"POST", "/networks/create", `{}`, http.StatusBadRequest, "network name is required"},
		{"POST", "/networks/create", `{"Name":"n","Internal":true}`, http.StatusBadRequest, "internal networks are not supported by mydocker"},
		{"POST", "/networks/create", `{"Name":"n","EnableIPv6":true}`, http.StatusBadRequest, "IPv6 networks are not supported by mydocker"},
		{"POST", "/networks/none/connect", `{"Container":"nosuch"}`, http.StatusNotFound, "No such container: nosuch"},
		{"GET", "/volumes/nosuch", "", http.StatusNotFound, "get nosuch: no such volume"},
		{"DELETE", "/volumes/nosuch", "", http.StatusNotFound, "get nosuch: no such volume"},
		{"POST", "/volumes/create", `{"Name":"v","Driver":"nfs"}`, http.StatusNotFound, `plugin "nfs" not found`},
		{"GET", "/containers/nosuch/top", "", http.StatusNotFound, "No such container: nosuch"},
		{"GET", "/containers/nosuch/stats?stream=false", "", http.StatusNotFound, "No such container: nosuch"},
		{"HEAD", "/containers/nosuch/archive?path=/", "", http.StatusNotFound, ""},
		{"PUT", "/containers/nosuch/archive?path=/", "", http.StatusNotFound, "No such container: nosuch"},
		{"POST", "/containers/nosuch/rename?name=x", "", http.StatusNotFound, "No such container: nosuch"},
		{"POST", "/containers/nosuch/pause", "", http.StatusNotFound, "No such container: nosuch"},
		{"POST", "/containers/nosuch/update", `{}`, http.StatusNotFound, "No such container: nosuch"},
		{"GET", "/containers/nosuch/changes", "", http.StatusNotFound, "No such container: nosuch"},
		{"GET", "/events?filters=%7B%22nosuch%22%3A%7B%22x%22%3Atrue%7D%7D", "", http.StatusBadRequest, "invalid filter 'nosuch'"},
	} {
		code, msg := do(t, h, c.method, c.path, c.body)
		assert.Equal(t, c.code, code, "%s %s", c.method, c.path)
		if c.msg != "" {
			assert.Equal(t, c.msg, msg, "%s %s", c.method, c.path)
		}
	}
	// A volume made with labels, then found again by its name.
	code, _ := do(t, h, "POST", "/volumes/create", `{"Name":"data","Labels":{"team":"api"}}`)
	assert.Equal(t, http.StatusCreated, code)
	code, _ = do(t, h, "GET", "/volumes/data", "")
	assert.Equal(t, http.StatusOK, code)
	code, _ = do(t, h, "DELETE", "/volumes/data", "")
	assert.Equal(t, http.StatusNoContent, code)
}

// A client that hangs up ends an events stream: nothing is left
// behind, the handler returns.
func TestEventsEndWhenTheClientHangsUp(t *testing.T) {
	s, _ := testServer(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	since := fmt.Sprintf("/events?since=%d", time.Now().Add(-time.Minute).Unix())
	req := httptest.NewRequest("GET", since, nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		s.Handler().ServeHTTP(rec, req)
		close(done)
	}()
	events.Log(s.Root, events.Volume, "create", "v1", nil)
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the events stream goes on after its client hung up")
	}
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `"Action":"create"`)
}

// statsOf is docker's StatsResponse: the CLI's CPU rate needs the host's
// CPU time and the CPUs online, its memory the cgroup's stats.
func TestStatsOfIsDockersShape(t *testing.T) {
	st := &state.Container{ID: "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef", Name: "web"}
	got := statsOf(st, &observe.Sample{CPUNanos: 5e8, SystemNanos: 1e12, OnlineCPUs: 2, Memory: 4096, MemLimit: 1 << 20,
		MemoryStats: map[string]uint64{"inactive_file": 1024}, Pids: 3, Networks: map[string]observe.NetDev{"eth0": {RxBytes: 10, TxBytes: 20}},
		BlockRead: 7, BlockWrite: 8})
	js, err := json.Marshal(got)
	require.NoError(t, err)
	for _, want := range []string{`"name":"/web"`, `"total_usage":500000000`, `"system_cpu_usage":1000000000000`, `"online_cpus":2`,
		`"usage":4096`, `"limit":1048576`, `"inactive_file":1024`, `"pids_stats":{"current":3}`, `"eth0":{"rx_bytes":10`,
		`{"major":0,"minor":0,"op":"read","value":7}`} {
		assert.Contains(t, string(js), want)
	}
	// A stopped container's are zeros, with its name.
	js, _ = json.Marshal(statsOf(st, nil))
	assert.Contains(t, string(js), `"cpu_stats":{"cpu_usage":{"total_usage":0`)
}
