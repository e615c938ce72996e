package network

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePublish(t *testing.T) {
	for _, c := range []struct {
		spec string
		want []Port
	}{
		{"8080:80", []Port{{Host: 8080, Container: 80, Proto: "tcp"}}},
		{"53:5353/udp", []Port{{Host: 53, Container: 5353, Proto: "udp"}}},
		{"80/UDP", []Port{{Container: 80, Proto: "udp"}}},
		{"80", []Port{{Container: 80, Proto: "tcp"}}},
		{"0:80", []Port{{Container: 80, Proto: "tcp"}}},
		{"127.0.0.1:8080:80", []Port{{HostIP: "127.0.0.1", Host: 8080, Container: 80, Proto: "tcp"}}},
		{"127.0.0.1::80", []Port{{HostIP: "127.0.0.1", Container: 80, Proto: "tcp"}}},
		{"0.0.0.0:8080:80", []Port{{HostIP: "0.0.0.0", Host: 8080, Container: 80, Proto: "tcp"}}},
		{"8000-8002:9000-9002/udp", []Port{
			{Host: 8000, Container: 9000, Proto: "udp"},
			{Host: 8001, Container: 9001, Proto: "udp"},
			{Host: 8002, Container: 9002, Proto: "udp"},
		}},
		{"8000-8010:80", []Port{{Host: 8000, HostEnd: 8010, Container: 80, Proto: "tcp"}}},
		{"10.0.0.1:8000-8010:80", []Port{{HostIP: "10.0.0.1", Host: 8000, HostEnd: 8010, Container: 80, Proto: "tcp"}}},
		{"7000-7001", []Port{{Container: 7000, Proto: "tcp"}, {Container: 7001, Proto: "tcp"}}},
	} {
		got, err := ParsePublish(c.spec)
		require.NoError(t, err, c.spec)
		assert.Equal(t, c.want, got, c.spec)
	}
}

func TestParsePublishRefusesBadSpecs(t *testing.T) {
	for spec, want := range map[string]string{
		"":                        "no port specified",
		"a:b":                     "invalid containerPort: b",
		"abc":                     "invalid containerPort: abc",
		"8080:":                   "no port specified",
		"70000:80":                "invalid hostPort: 70000",
		"80:70000":                "invalid containerPort: 70000",
		"80:0":                    "invalid containerPort: 0",
		"80:80/sctp":              "sctp is not supported",
		"80:80/icmp":              "invalid proto: icmp",
		"1.2.3:80:80":             "invalid IP address: 1.2.3",
		"[::1]:80:80":             "IPv6 host addresses are not supported",
		"8000-8002:9000-9001":     "invalid ranges specified for container and host Ports",
		"8002-8000:80":            "invalid hostPort: 8002-8000",
		"a-b:80":                  "invalid hostPort: a-b",
		"127.0.0.1:8080:80:81:82": "invalid IP address",
	} {
		_, err := ParsePublish(spec)
		assert.ErrorContains(t, err, want, spec)
	}
}

func TestParseExpose(t *testing.T) {
	got, err := ParseExpose("80")
	require.NoError(t, err)
	assert.Equal(t, []string{"80/tcp"}, got)
	got, err = ParseExpose("8000-8002/udp")
	require.NoError(t, err)
	assert.Equal(t, []string{"8000/udp", "8001/udp", "8002/udp"}, got)
	for spec, want := range map[string]string{
		"80:80":    "invalid port format for --expose: 80:80",
		"x":        "invalid range format for --expose: x",
		"80/sctp":  "sctp is not supported",
		"90-80":    "invalid range format",
		"0":        "invalid range format",
		"80/bogus": "bogus is not supported",
	} {
		_, err := ParseExpose(spec)
		assert.ErrorContains(t, err, want, spec)
	}
}

func TestPublishAllAddsAFreePortForEachExposedPortNotPublished(t *testing.T) {
	asked := []Port{{Host: 8080, Container: 80, Proto: "tcp"}}
	got := PublishAll(asked, []string{"80/tcp", "443", "53/udp", "132/sctp", "junk"})
	assert.Equal(t, []Port{
		{Host: 8080, Container: 80, Proto: "tcp"},
		{Container: 443, Proto: "tcp"},
		{Container: 53, Proto: "udp"},
	}, got)
}

func TestPortShowsAsDocker(t *testing.T) {
	assert.Equal(t, "0.0.0.0:8080:80/tcp", Port{Host: 8080, Container: 80, Proto: "tcp"}.String())
	assert.Equal(t, "127.0.0.1:8000-8010:80/udp", Port{HostIP: "127.0.0.1", Host: 8000, HostEnd: 8010, Container: 80, Proto: "udp"}.String())
	assert.Equal(t, "80/tcp", Port{Container: 80, Proto: "tcp"}.Key())
}
