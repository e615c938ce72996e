package image

import "github.com/mydocker/mydocker/final/events"

// event writes the image event action of id to the events log, with the
// name it was done by, as docker's.
func (s Store) event(action, id, name string) {
	events.Log(s.Root, events.Image, action, id, map[string]string{"name": name})
}
