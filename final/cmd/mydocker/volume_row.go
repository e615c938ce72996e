package main

import (
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/volume"
)

// volumeRow is one volume as docker volume ls's templates see it.
type volumeRow struct {
	Driver     string
	Labels     string
	Links      string
	Mountpoint string
	Name       string
	Scope      string
	Size       string

	header bool
	labels map[string]string
}

// Label is one label's value.
func (r volumeRow) Label(key string) string {
	if r.header {
		return "LABEL"
	}
	return r.labels[key]
}

var volumeHeader = volumeRow{Driver: "DRIVER", Labels: "LABELS", Links: "LINKS", Mountpoint: "MOUNTPOINT",
	Name: "VOLUME NAME", Scope: "SCOPE", Size: "SIZE", header: true}

var volumeFilterKeys = []string{"dangling", "name", "driver", "label"}

// volumeRows are the volumes that match f. dangling is docker's: no
// container, running or not, uses it.
func volumeRows(cmd *cli.Command, vols volume.Store, list []*volume.Volume, f filters) ([]any, error) {
	var dangling []bool
	for _, v := range f["dangling"] {
		b, err := boolFilter("dangling", v)
		if err != nil {
			return nil, err
		}
		dangling = append(dangling, b)
	}
	// One read of the containers for all the volumes.
	uses := map[string]int{}
	containers, _ := store(cmd).List()
	for _, st := range containers {
		for _, m := range st.Volumes {
			uses[m.Host]++
		}
	}
	var rows []any
	for _, v := range list {
		links := uses[vols.Path(v.Name)]
		ok := f.any("name", func(s string) bool { return strings.Contains(v.Name, s) }) &&
			f.any("driver", func(s string) bool { return s == v.Driver }) &&
			f.any("label", labelMatch(v.Labels)) &&
			f.any("dangling", func(string) bool {
				for _, d := range dangling {
					if d == (links == 0) {
						return true
					}
				}
				return false
			})
		if !ok {
			continue
		}
		rows = append(rows, volumeRow{Driver: v.Driver, Mountpoint: v.Mountpoint, Name: v.Name, Scope: v.Scope,
			Links: strconv.Itoa(links), Size: "N/A", Labels: joinLabels(v.Labels), labels: v.Labels})
	}
	return rows, nil
}
