package main

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// --version prints runc's lines: version, commit, spec.
func TestVersionText(t *testing.T) {
	lines := strings.Split(versionText(), "\n")
	assert.Len(t, lines, 3)
	assert.Equal(t, version, lines[0])
	assert.Regexp(t, `^commit: \S+$`, lines[1])
	assert.Regexp(t, `^spec: [0-9]+\.[0-9]+\.[0-9]+$`, lines[2])
}

func TestCommit(t *testing.T) {
	assert.Equal(t, "v1.2-3-gabc", commit("v1.2-3-gabc"))
	assert.Equal(t, "unknown", stampedCommit(nil))
	assert.Equal(t, "abc123", stampedCommit([]debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}}))
	assert.Equal(t, "abc123-dirty", stampedCommit([]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}, {Key: "vcs.revision", Value: "abc123"}}))
}
