package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mydocker/mydocker/final/state"
)

// What docker's CLI sends for "docker run busybox true" when no flag is
// given: zeros, empty lists, pointers to false, a log config without a
// type. None of it may be refused.
const cliDefaults = `{"Image": "busybox", "HostConfig": {"Binds": null, "ContainerIDFile": "",
	"LogConfig": {"Type": "", "Config": {}}, "NetworkMode": "bridge", "PortBindings": {},
	"RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}, "AutoRemove": false,
	"VolumeDriver": "", "VolumesFrom": null, "ConsoleSize": [40, 120], "CapAdd": null,
	"CapDrop": null, "CgroupnsMode": "", "Dns": [], "DnsOptions": [], "DnsSearch": [],
	"ExtraHosts": null, "GroupAdd": null, "IpcMode": "", "Cgroup": "", "Links": null,
	"OomScoreAdj": 0, "PidMode": "", "Privileged": false, "PublishAllPorts": false,
	"ReadonlyRootfs": false, "SecurityOpt": null, "UTSMode": "", "UsernsMode": "",
	"ShmSize": 0, "Isolation": "", "CpuShares": 0, "Memory": 0, "NanoCpus": 0,
	"CgroupParent": "", "BlkioWeight": 0, "BlkioWeightDevice": [], "DeviceCgroupRules": null,
	"Devices": [], "MemorySwappiness": null, "OomKillDisable": false, "PidsLimit": null,
	"Ulimits": [], "CpuCount": 0, "MaskedPaths": null, "ReadonlyPaths": null,
	"SomethingNewer": null}}`

// createdWith returns the args that a create with body made, failing
// the test if it was refused.
func createdWith(t *testing.T, body string) []string {
	t.Helper()
	var got []string
	_, h := testServer(t, func(_ context.Context, args []string) (*state.Container, error) {
		got = args
		return &state.Container{ID: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}, nil
	})
	code, msg := do(t, h, "POST", "/v1.44/containers/create", body)
	require.Equal(t, http.StatusCreated, code, msg)
	return got
}

func TestCreateTakesWhatDockersCLISendsByDefault(t *testing.T) {
	args := createdWith(t, cliDefaults)
	assert.Equal(t, []string{"--pull=never", "--network=bridge", "--", "busybox"}, args)
}

func TestCreateMapsProcessAndNamespaceFields(t *testing.T) {
	args := createdWith(t, `{"Image": "busybox", "HostConfig": {
		"PidsLimit": 64, "CpusetCpus": "0", "MemorySwap": 209715200, "Memory": 104857600, "ShmSize": 1048576,
		"Ulimits": [{"Name": "nofile", "Soft": 100, "Hard": 200}],
		"Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/mynull", "CgroupPermissions": "rw"},
		            {"PathOnHost": "/dev/zero", "CgroupPermissions": "r"}],
		"Dns": ["10.0.0.2"], "DnsSearch": ["example.test"], "DnsOptions": ["ndots:2"],
		"ExtraHosts": ["db:10.0.0.3"], "SecurityOpt": ["no-new-privileges"], "GroupAdd": ["audio"],
		"Sysctls": {"net.ipv4.ip_forward": "1"}, "IpcMode": "shareable", "PidMode": "host",
		"CgroupnsMode": "private", "OomKillDisable": false, "MemorySwappiness": -1,
		"LogConfig": {"Type": "json-file", "Config": {"max-size": "1m", "max-file": "2"}}}}`)
	for _, want := range []string{
		"--pids-limit=64", "--cpuset=0", "--memory-swap=209715200", "--memory=104857600", "--shm-size=1048576",
		"--ulimit=nofile=100:200", "--device=/dev/null:/dev/mynull:rw", "--device=/dev/zero:/dev/zero:r",
		"--dns=10.0.0.2", "--dns-search=example.test", "--dns-option=ndots:2", "--add-host=db:10.0.0.3",
		"--security-opt=no-new-privileges", "--group-add=audio", "--sysctl=net.ipv4.ip_forward=1",
		"--ipc=shareable", "--pid=host", "--log-opt=max-file=2", "--log-opt=max-size=1m",
	} {
		assert.Contains(t, args, want)
	}
}

// A field create cannot honour is refused with a 400 that names it, and
// nothing is made: a container without the device, the link or the
// limit its client asked for would be a silent lie.
func TestCreateRefusesWhatItCannotHonour(t *testing.T) {
	_, h := testServer(t, func(context.Context, []string) (*state.Container, error) {
		t.Fatal("a refused request reaches create")
		return nil, nil
	})
	for body, word := range map[string]string{
		`{"Image": "busybox", "HostConfig": {"Links": ["db:db"]}}`:                                    "HostConfig.Links",
		`{"Image": "busybox", "HostConfig": {"BlkioWeight": 300}}`:                                    "HostConfig.BlkioWeight",
		`{"Image": "busybox", "HostConfig": {"CgroupnsMode": "host"}}`:                                "HostConfig.CgroupnsMode",
		`{"Image": "busybox", "HostConfig": {"OomKillDisable": true}}`:                                "HostConfig.OomKillDisable",
		`{"Image": "busybox", "HostConfig": {"VolumesFrom": ["other"]}}`:                              "HostConfig.VolumesFrom",
		`{"Image": "busybox", "HostConfig": {"Runtime": "kata"}}`:                                     "HostConfig.Runtime",
		`{"Image": "busybox", "HostConfig": {"LogConfig": {"Type": "syslog"}}}`:                       "syslog",
		`{"Image": "busybox", "HostConfig": {"SomethingNewer": {"On": true}}}`:                        `"SomethingNewer"`,
		`{"Image": "busybox", "HostConfig": {"ShmSize": -1}}`:                                         "SHM size",
		`{"Image": "busybox", "HostConfig": {"DeviceRequests": [{"Driver": "nvidia", "Count": -1}]}}`: "HostConfig.DeviceRequests",
	} {
		code, msg := do(t, h, "POST", "/v1.44/containers/create", body)
		assert.Equal(t, http.StatusBadRequest, code, body)
		assert.Contains(t, msg, word, body)
	}
}
