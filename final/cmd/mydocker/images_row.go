package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// imageRow is one repository:tag of an image as docker images's templates
// see it, with docker's field names and JSON keys.
type imageRow struct {
	Containers   string
	CreatedAt    string
	CreatedSince string
	Digest       string
	ID           string
	Repository   string
	SharedSize   string
	Size         string
	Tag          string
	UniqueSize   string
	VirtualSize  string
}

// imageHeader names the columns of a "table" format, as docker's.
var imageHeader = imageRow{
	Containers: "CONTAINERS", CreatedAt: "CREATED AT", CreatedSince: "CREATED", Digest: "DIGEST", ID: "IMAGE ID",
	Repository: "REPOSITORY", SharedSize: "SHARED SIZE", Size: "SIZE", Tag: "TAG", UniqueSize: "UNIQUE SIZE",
	VirtualSize: "VIRTUAL SIZE",
}

var imageFilterKeys = []string{"dangling", "label", "reference", "before", "since"}

// imageRowsOf are the rows of the images that match f: one per tag, or
// one "<none>" row for an image without any, newest first.
func imageRowsOf(images image.Store, list []*image.Image, f filters, noTrunc bool) ([]any, error) {
	match, err := imageMatcher(images, f)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	sort.SliceStable(list, func(i, j int) bool { return list[i].Created.After(list[j].Created) })
	var rows []any
	for _, img := range list {
		if !match.image(img) {
			continue
		}
		for _, rt := range repoTags(img) {
			if !match.ref(rt[0], rt[1]) {
				continue
			}
			size := image.HumanSize(img.Size())
			r := imageRow{
				Containers: "N/A", SharedSize: "N/A", UniqueSize: "N/A",
				CreatedAt:    img.Created.Local().Format("2006-01-02 15:04:05 -0700 MST"),
				CreatedSince: createdSince(img.Created, now),
				Digest:       digestOf(img, rt[0]),
				ID:           img.ShortID(),
				Repository:   rt[0], Tag: rt[1], Size: size, VirtualSize: size,
			}
			if noTrunc {
				r.ID = img.ID
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// repoTags are the (repository, tag) pairs of an image: one per tag, or
// one with "<none>" for what it lacks.
func repoTags(img *image.Image) [][2]string {
	var rows [][2]string
	for _, t := range img.RepoTags {
		i := strings.LastIndex(t, ":")
		rows = append(rows, [2]string{image.Familiar(t[:i]), t[i+1:]})
	}
	if len(rows) == 0 && len(img.RepoDigests) > 0 {
		d := img.RepoDigests[0]
		rows = append(rows, [2]string{image.Familiar(d[:strings.Index(d, "@")]), "<none>"})
	}
	if len(rows) == 0 {
		rows = append(rows, [2]string{"<none>", "<none>"})
	}
	return rows
}

// digestOf is the manifest digest the image has in repository, as docker
// images --digests shows it.
func digestOf(img *image.Image, repository string) string {
	for _, d := range img.RepoDigests {
		repo, digest, _ := strings.Cut(d, "@")
		if image.Familiar(repo) == repository {
			return digest
		}
	}
	return "<none>"
}

// createdSince is docker's "2 weeks ago".
func createdSince(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return state.HumanDuration(now.Sub(t)) + " ago"
}

// imageMatch is what an images filter keeps: whole images (dangling,
// label, before, since), then their rows (reference).
type imageMatch struct {
	image func(*image.Image) bool
	ref   func(repository, tag string) bool
}

func imageMatcher(images image.Store, f filters) (imageMatch, error) {
	var dangling []bool
	for _, v := range f["dangling"] {
		b, err := boolFilter("dangling", v)
		if err != nil {
			return imageMatch{}, err
		}
		dangling = append(dangling, b)
	}
	before, err := imageCreated(images, f["before"], "before")
	if err != nil {
		return imageMatch{}, err
	}
	since, err := imageCreated(images, f["since"], "since")
	if err != nil {
		return imageMatch{}, err
	}
	return imageMatch{
		image: func(img *image.Image) bool {
			isDangling := len(img.RepoTags) == 0
			return f.any("dangling", func(string) bool {
				for _, d := range dangling {
					if d == isDangling {
						return true
					}
				}
				return false
			}) &&
				(!f.has("label") || f.any("label", labelMatch(imageLabels(images, img)))) &&
				(before.IsZero() || img.Created.Before(before)) &&
				(since.IsZero() || img.Created.After(since))
		},
		ref: func(repository, tag string) bool {
			return f.any("reference", func(v string) bool {
				// A tag is a ':' after the last '/' (not a registry's port).
				if strings.Contains(v[strings.LastIndex(v, "/")+1:], ":") {
					return globMatch(v, repository+":"+tag)
				}
				return globMatch(v, repository)
			})
		},
	}, nil
}

// imageLabels are the Labels of the image's config.
func imageLabels(images image.Store, img *image.Image) map[string]string {
	cfg, err := images.Config(img)
	if err != nil {
		return nil
	}
	return cfg.Config.Labels
}

// imageCreated is when the image the filter's value names was made.
func imageCreated(images image.Store, values []string, key string) (time.Time, error) {
	if len(values) == 0 {
		return time.Time{}, nil
	}
	img, err := images.Get(values[0])
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid filter '%s=%s': %w", key, values[0], err)
	}
	return img.Created, nil
}
