package build

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Dockerfile is a parsed Dockerfile: its stages, the ARGs before its
// first FROM (meta args), and its escape character.
type Dockerfile struct {
	Stages   []instructions.Stage
	MetaArgs []instructions.ArgCommand
	Escape   rune
	// Syntax is a "# syntax=" directive's frontend, which is not run
	// here: the build says it ignores it.
	Syntax   string
	Warnings []string
}

// ParseDockerfile reads a Dockerfile with BuildKit's parser, as docker
// build does: line continuations, comments, heredocs and the escape
// directive are its.
func ParseDockerfile(data []byte) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("failed to parse Dockerfile: %w", err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to parse Dockerfile: %w", err)
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("failed to parse Dockerfile: the Dockerfile has no FROM instruction")
	}
	df := &Dockerfile{Stages: stages, MetaArgs: metaArgs, Escape: res.EscapeToken}
	df.Syntax, _, _, _ = parser.DetectSyntax(data)
	for _, w := range res.Warnings {
		df.Warnings = append(df.Warnings, w.Short)
	}
	return df, nil
}

// stageIndex finds the stage named name (case-insensitively, as docker)
// or numbered name among the first before of them: the stages a FROM or
// a COPY --from may name are the earlier ones.
func (df *Dockerfile) stageIndex(name string, before int) (int, bool) {
	for i := 0; i < before && i < len(df.Stages); i++ {
		if df.Stages[i].Name != "" && strings.EqualFold(df.Stages[i].Name, name) {
			return i, true
		}
	}
	if n, ok := parseIndex(name); ok && n < before && n < len(df.Stages) {
		return n, true
	}
	return -1, false
}

// parseIndex reads a stage's number: digits alone.
func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// target is the index of the stage --target names, or the last one.
func (df *Dockerfile) target(name string) (int, error) {
	if name == "" {
		return len(df.Stages) - 1, nil
	}
	for i, s := range df.Stages {
		if strings.EqualFold(s.Name, name) {
			return i, nil
		}
	}
	return -1, fmt.Errorf("target stage %q could not be found", name)
}
