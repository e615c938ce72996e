package api

import (
	"path"
	"strings"

	mdimage "github.com/mydocker/mydocker/final/image"
)

// imageMatcher is the test of images/json's filters: label (KEY or
// KEY=VALUE, all must hold), dangling and reference (a glob of
// REPOSITORY or REPOSITORY:TAG), as docker's. Any other key is refused:
// a filter left out would list, and a client such as Ryuk would then
// remove, images it never asked for.
func imageMatcher(f filters) (func(img *mdimage.Image, labels map[string]string) bool, error) {
	for key, values := range f {
		switch key {
		case "label", "reference":
		case "dangling":
			for _, v := range values {
				if _, err := danglingValue(v); err != nil {
					return nil, err
				}
			}
		default:
			return nil, badRequest("invalid filter '%s'", key)
		}
	}
	return func(img *mdimage.Image, labels map[string]string) bool {
		return anyOf(f["dangling"], func(v string) bool {
			want, _ := danglingValue(v)
			return want == (len(img.RepoTags) == 0)
		}) &&
			allLabels(f["label"], labels) &&
			anyOf(f["reference"], func(v string) bool { return referenceMatch(v, img.RepoTags) })
	}, nil
}

func danglingValue(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, badRequest("invalid filter 'dangling=%s'", v)
}

// referenceMatch: one of the image's names matches the glob pattern, by
// repository alone or, when the pattern has a tag, with it.
func referenceMatch(pattern string, repoTags []string) bool {
	withTag := strings.Contains(pattern[strings.LastIndex(pattern, "/")+1:], ":")
	for _, rt := range repoTags {
		name := mdimage.Familiar(rt)
		if !withTag {
			name = name[:strings.LastIndex(name, ":")]
		}
		if ok, err := path.Match(pattern, name); err == nil && ok {
			return true
		}
	}
	return false
}
