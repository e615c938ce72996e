package events

import "strings"

// FilterKeys are the keys of docker's events filters that Match knows.
var FilterKeys = []string{"container", "event", "image", "label", "network", "type", "volume"}

// Match is docker's events filter: for each key of f, one of its values
// matches (a name, or an ID's prefix, of the key's kind of actor), and
// every label (KEY or KEY=VALUE of its attributes) holds. The CLI's events and the API's
// share it.
func Match(e Event, f map[string][]string) bool {
	anyOf := func(key string, match func(string) bool) bool {
		if len(f[key]) == 0 {
			return true
		}
		for _, v := range f[key] {
			if match(v) {
				return true
			}
		}
		return false
	}
	names := func(kind string) func(string) bool {
		return func(v string) bool {
			return e.Type == kind && (v == e.Actor.Attributes["name"] || strings.HasPrefix(e.Actor.ID, v))
		}
	}
	return anyOf("type", func(v string) bool { return v == e.Type }) &&
		anyOf("event", func(v string) bool { return v == e.Action }) &&
		anyOf("container", names(Container)) &&
		anyOf("image", func(v string) bool {
			return (e.Type == Image && (v == e.Actor.Attributes["name"] || strings.HasPrefix(e.Actor.ID, v))) ||
				(e.Type == Container && v == e.Actor.Attributes["image"])
		}) &&
		anyOf("network", names(Network)) &&
		anyOf("volume", names(Volume)) &&
		allLabels(e, f["label"])
}

// allLabels: every label filter holds, as docker's (compose asks for its
// project's events that are not of one-off containers: two labels).
func allLabels(e Event, labels []string) bool {
	for _, v := range labels {
		key, want, withValue := strings.Cut(v, "=")
		got, ok := e.Actor.Attributes[key]
		if !ok || (withValue && got != want) {
			return false
		}
	}
	return true
}
