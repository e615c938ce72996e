package api

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/mydocker/mydocker/final/state"
)

// filters are a list request's filters: each key's values, any of which
// may match; every key must.
type filters map[string][]string

// parseFilters reads the filters query: docker's {"key":{"value":true}},
// or the older {"key":["value"]}.
func parseFilters(raw string) (filters, error) {
	f := filters{}
	if raw == "" {
		return f, nil
	}
	var sets map[string]map[string]bool
	if err := json.Unmarshal([]byte(raw), &sets); err == nil {
		for key, values := range sets {
			for v, on := range values {
				if on {
					f[key] = append(f[key], v)
				}
			}
		}
		return f, nil
	}
	var lists map[string][]string
	if err := json.Unmarshal([]byte(raw), &lists); err != nil {
		return nil, badRequest("invalid filter: %v", err)
	}
	for key, values := range lists {
		f[key] = values
	}
	return f, nil
}

// containerStates are docker's values of the status filter.
var containerStates = map[string]bool{"created": true, "running": true, "paused": true, "restarting": true, "removing": true, "exited": true, "dead": true}

// containerMatcher is the test of f's id, name, label and status filters
// (the others come in a later slice, with cmd/mydocker's filter.go moved
// into a library for both).
func containerMatcher(f filters) (func(*state.Container) bool, error) {
	var names []*regexp.Regexp
	for key, values := range f {
		switch key {
		case "id", "label":
		case "name":
			for _, v := range values {
				re, err := regexp.Compile(v)
				if err != nil {
					return nil, badRequest("invalid filter 'name=%s': %v", v, err)
				}
				names = append(names, re)
			}
		case "status":
			for _, v := range values {
				if !containerStates[v] {
					return nil, badRequest("invalid filter 'status=%s'", v)
				}
			}
		default:
			return nil, badRequest("invalid filter '%s'", key)
		}
	}
	return func(st *state.Container) bool {
		return anyOf(f["id"], func(v string) bool { return strings.HasPrefix(st.ID, v) }) &&
			anyOf(f["status"], func(v string) bool { return st.DockerState() == v }) &&
			allLabels(f["label"], st.Config.Labels) &&
			(len(names) == 0 || anyRegexp(names, "/"+st.Name))
	}, nil
}

// anyOf: no values, or one that matches.
func anyOf(values []string, match func(string) bool) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		if match(v) {
			return true
		}
	}
	return false
}

func anyRegexp(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// allLabels: every label filter, KEY or KEY=VALUE, holds (docker ANDs them).
func allLabels(values []string, labels map[string]string) bool {
	for _, v := range values {
		key, want, hasValue := strings.Cut(v, "=")
		got, ok := labels[key]
		if !ok || (hasValue && got != want) {
			return false
		}
	}
	return true
}
