package buildctx

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/moby/patternmatcher/ignorefile"
)

// ReadDockerignore reads <dir>/.dockerignore into patterns; a
// <dockerfile>.dockerignore beside the Dockerfile takes precedence, as
// BuildKit does, so that several Dockerfiles can share one context.
// dockerfilePath may be "" (no Dockerfile on disk: stdin). No file, no rules.
func ReadDockerignore(dir, dockerfilePath string) ([]string, error) {
	names := []string{filepath.Join(dir, ".dockerignore")}
	if dockerfilePath != "" && dockerfilePath != "-" {
		names = append([]string{dockerfilePath + ".dockerignore"}, names...)
	}
	for _, name := range names {
		data, err := readSmallFile(dir, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		patterns, err := ignorefile.ReadAll(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		return patterns, nil
	}
	return nil, nil
}
