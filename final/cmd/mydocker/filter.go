package main

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
)

// filters are --filter KEY=VALUE pairs, as docker's: values of one key
// are alternatives (any may match), different keys must all match.
type filters map[string][]string

// parseFilters reads the --filter values; allowed are the keys the
// command knows, as docker refuses any other.
func parseFilters(args []string, allowed []string) (filters, error) {
	f := filters{}
	for _, arg := range args {
		key, value, ok := strings.Cut(arg, "=")
		if !ok {
			return nil, fmt.Errorf("bad format of filter %q (expected name=value)", arg)
		}
		key = strings.ToLower(strings.TrimSpace(key))
		known := false
		for _, a := range allowed {
			known = known || a == key
		}
		if !known {
			return nil, fmt.Errorf("invalid filter '%s'", key)
		}
		f[key] = append(f[key], value)
	}
	return f, nil
}

func (f filters) has(key string) bool { return len(f[key]) > 0 }

// any reports whether match holds for one of key's values, or key is
// not filtered on.
func (f filters) any(key string, match func(string) bool) bool {
	if !f.has(key) {
		return true
	}
	for _, v := range f[key] {
		if match(v) {
			return true
		}
	}
	return false
}

// labelMatch is docker's label filter: KEY (has the label) or KEY=VALUE.
func labelMatch(labels map[string]string) func(string) bool {
	return func(v string) bool {
		key, want, withValue := strings.Cut(v, "=")
		got, ok := labels[key]
		return ok && (!withValue || got == want)
	}
}

// boolFilter reads a true/false filter value (dangling=true).
func boolFilter(key, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("invalid filter '%s=%s': want true or false", key, v)
	}
	return b, nil
}

var psFilterKeys = []string{"id", "name", "label", "status", "exited", "ancestor", "network", "volume", "publish", "expose", "before", "since", "health"}

// psStatuses are the values docker's status filter knows.
var psStatuses = []string{"created", "restarting", "running", "removing", "paused", "exited", "dead"}

// psMatcher checks the values of f once, and is then what matches a
// container: a bad value is an error before anything is listed.
func psMatcher(s state.Store, f filters) (func(*state.Container) bool, error) {
	for _, v := range f["status"] {
		if !slices.Contains(psStatuses, v) {
			return nil, fmt.Errorf("invalid filter 'status=%s'", v)
		}
	}
	for _, v := range f["health"] {
		if !slices.Contains([]string{"starting", "healthy", "unhealthy", "none"}, v) {
			return nil, fmt.Errorf("invalid filter 'health=%s'", v)
		}
	}
	for _, v := range f["exited"] {
		if _, err := strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("invalid filter 'exited=%s'", v)
		}
	}
	names := map[string]*regexp.Regexp{}
	for _, v := range f["name"] {
		re, err := regexp.Compile(strings.TrimPrefix(v, "/"))
		if err != nil {
			return nil, fmt.Errorf("invalid filter 'name=%s': %w", v, err)
		}
		names[v] = re
	}
	before, err := createdOf(s, f["before"], "before")
	if err != nil {
		return nil, err
	}
	since, err := createdOf(s, f["since"], "since")
	if err != nil {
		return nil, err
	}
	ancestors, err := ancestorIDs(s, f["ancestor"])
	if err != nil {
		return nil, err
	}
	return func(st *state.Container) bool {
		return f.any("id", func(v string) bool { return strings.HasPrefix(st.ID, v) }) &&
			f.any("name", func(v string) bool { return names[v].MatchString(st.Name) }) &&
			f.any("label", labelMatch(containerLabels(st))) &&
			f.any("status", func(v string) bool { return v == dockerState(st) }) &&
			f.any("exited", func(v string) bool {
				return dockerState(st) == "exited" && st.ExitCode != nil && strconv.Itoa(*st.ExitCode) == v
			}) &&
			f.any("ancestor", func(v string) bool { return ancestors[v][st.ImageID] || v == st.Image }) &&
			f.any("network", func(v string) bool { return st.EndpointOn(v) != nil || v == networkOf(st) }) &&
			f.any("volume", func(v string) bool { return usesVolume(s, st, v) }) &&
			f.any("publish", func(v string) bool { return hasPort(st, v, true) }) &&
			f.any("expose", func(v string) bool { return hasPort(st, v, false) }) &&
			f.any("health", func(v string) bool { return v == healthOf(st) }) &&
			(before.IsZero() || st.Created.Before(before)) &&
			(since.IsZero() || st.Created.After(since))
	}, nil
}

// createdOf is when the container named by the filter's value was made.
func createdOf(s state.Store, values []string, key string) (time.Time, error) {
	if len(values) == 0 {
		return time.Time{}, nil
	}
	st, err := s.Find(values[0])
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid filter '%s=%s': %w", key, values[0], err)
	}
	return st.Created, nil
}

// ancestorIDs maps each ancestor filter value to the image IDs it names.
// A name no image has now matches containers by the name they were run
// with; docker also matches an image's children, which we do not build.
func ancestorIDs(s state.Store, values []string) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	for _, v := range values {
		out[v] = map[string]bool{}
		if img, err := (image.Store{Root: s.Root}).Get(v); err == nil {
			out[v][img.ID] = true
		}
	}
	return out, nil
}

// usesVolume: the container mounts the named volume, or something at the
// path v inside.
func usesVolume(s state.Store, st *state.Container, v string) bool {
	for _, m := range st.Volumes {
		name, _ := (volume.Store{Root: s.Root}).NameOf(m.Host)
		if name == v || m.Container == v || m.Host == v {
			return true
		}
	}
	return false
}

// hasPort: the container publishes (or exposes) v, PORT[/PROTO].
func hasPort(st *state.Container, v string, published bool) bool {
	if st.Endpoint == nil {
		return false
	}
	port, proto, ok := strings.Cut(v, "/")
	if !ok {
		proto = "tcp"
	}
	for _, p := range st.Endpoint.Ports {
		n := p.Container
		if published {
			n = p.Host
		}
		if strconv.Itoa(n) == port && p.Proto == proto {
			return true
		}
	}
	return false
}

// globMatch is docker's reference filter: a path.Match pattern.
func globMatch(pattern, s string) bool {
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

// healthOf is the container's health as the health filter names it.
func healthOf(st *state.Container) string {
	if !st.Healthcheck.Enabled() || st.Health == nil {
		return "none"
	}
	return st.Health.Status
}
