package build

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDockerfileReadsStagesMetaArgsAndDirectives(t *testing.T) {
	df, err := ParseDockerfile([]byte("# syntax=docker/dockerfile:1\n# escape=`\nARG BASE=busybox\nFROM $BASE AS build\nRUN echo a `\n  b\nFROM build\nCOPY --from=build /a /b\n"))
	require.NoError(t, err)
	assert.Equal(t, "docker/dockerfile:1", df.Syntax)
	assert.Equal(t, '`', df.Escape)
	require.Len(t, df.MetaArgs, 1)
	require.Len(t, df.Stages, 2)
	assert.Equal(t, "build", df.Stages[0].Name)
	i, ok := df.stageIndex("BUILD", 1)
	assert.True(t, ok, "stage names are case-insensitive")
	assert.Equal(t, 0, i)
	_, ok = df.stageIndex("build", 0)
	assert.False(t, ok, "a stage names only earlier ones")
	i, ok = df.stageIndex("0", 1)
	assert.True(t, ok)
	assert.Equal(t, 0, i)
}

func TestParseDockerfileRefusesBadInput(t *testing.T) {
	for _, bad := range []string{"", "RUN echo\n", "FROM busybox\nFROBNICATE x\n", "FROM busybox\nCOPY\n"} {
		_, err := ParseDockerfile([]byte(bad))
		assert.Error(t, err, "%q", bad)
	}
}

func TestTargetAndNeededStages(t *testing.T) {
	df, err := ParseDockerfile([]byte("FROM busybox AS a\nFROM busybox AS b\nFROM a AS c\nCOPY --from=b /x /y\nFROM busybox AS d\n"))
	require.NoError(t, err)
	b := &builder{df: df, lex: nil}
	b.lex = newTestLex()
	i, err := df.target("c")
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2}, b.needed(i))
	i, err = df.target("")
	require.NoError(t, err)
	assert.Equal(t, []int{3}, b.needed(i), "the last stage needs none of the others")
	_, err = df.target("nope")
	assert.EqualError(t, err, `target stage "nope" could not be found`)
}
