package api

import (
	"testing"

	mdimage "github.com/mydocker/mydocker/final/image"
)

func TestImageMatcherFilters(t *testing.T) {
	busybox := &mdimage.Image{RepoTags: []string{"docker.io/library/busybox:latest"}}
	dangling := &mdimage.Image{}
	ryukLabels := map[string]string{"org.testcontainers.ryuk": "true"}
	cases := []struct {
		raw    string
		img    *mdimage.Image
		labels map[string]string
		want   bool
	}{
		{``, busybox, nil, true},
		// Ryuk's list: the session's label, which busybox lacks.
		{`{"label":{"org.testcontainers.sessionId=abc":true}}`, busybox, nil, false},
		{`{"label":{"org.testcontainers.ryuk":true}}`, busybox, ryukLabels, true},
		{`{"label":{"org.testcontainers.ryuk=false":true}}`, busybox, ryukLabels, false},
		{`{"dangling":{"true":true}}`, busybox, nil, false},
		{`{"dangling":{"true":true}}`, dangling, nil, true},
		{`{"reference":{"busybox":true}}`, busybox, nil, true},
		{`{"reference":{"busy*:latest":true}}`, busybox, nil, true},
		{`{"reference":{"busybox:1":true}}`, busybox, nil, false},
		{`{"reference":{"alpine":true}}`, busybox, nil, false},
	}
	for _, c := range cases {
		f, err := parseFilters(c.raw)
		if err != nil {
			t.Fatalf("%s: %v", c.raw, err)
		}
		match, err := imageMatcher(f)
		if err != nil {
			t.Fatalf("%s: %v", c.raw, err)
		}
		if got := match(c.img, c.labels); got != c.want {
			t.Errorf("%s on %v: %v, want %v", c.raw, c.img.RepoTags, got, c.want)
		}
	}
	for _, bad := range []string{`{"dangling":{"maybe":true}}`, `{"colour":{"red":true}}`} {
		f, _ := parseFilters(bad)
		if _, err := imageMatcher(f); statusOf(err) != 400 {
			t.Errorf("%s: %v, want a 400", bad, err)
		}
	}
}
