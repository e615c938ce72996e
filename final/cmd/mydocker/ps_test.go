package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDockerCommandQuotesWordsWithSpaces(t *testing.T) {
	assert.Equal(t, "top -b", dockerCommand([]string{"top", "-b"}), "the book joined it into top-b")
	assert.Equal(t, `sh -c 'sleep 1; echo a'`, dockerCommand([]string{"sh", "-c", "sleep 1; echo a"}))
	assert.Equal(t, "sh -c 'while true; …", ellipsis(dockerCommand([]string{"sh", "-c", "while true; do :; done"}), 20))
}

func TestTemplateFunctionsTakeDecodedLists(t *testing.T) {
	f, err := parseListFormat(`{{join .L ","}} {{json .M}} {{upper "a"}}{{title "b c"}} {{truncate "abcdef" 3}}|{{pad "x" 1 2}}|`, "")
	assert.NoError(t, err)
	var b strings.Builder
	assert.NoError(t, f.tmpl.Execute(&b, map[string]any{"L": []any{"a", 1}, "M": map[string]any{"k": "<none>"}}))
	assert.Equal(t, `a,1 {"k":"<none>"} AB C abc| x  |`, b.String())
}

func TestFiltersAreDockers(t *testing.T) {
	f, err := parseFilters([]string{"status=exited", "status=running", "label=a=b"}, psFilterKeys)
	assert.NoError(t, err)
	assert.Equal(t, filters{"status": {"exited", "running"}, "label": {"a=b"}}, f)
	_, err = parseFilters([]string{"colour=red"}, psFilterKeys)
	assert.EqualError(t, err, "invalid filter 'colour'")
	_, err = parseFilters([]string{"status"}, psFilterKeys)
	assert.ErrorContains(t, err, "bad format of filter")
	assert.True(t, labelMatch(map[string]string{"a": "b"})("a"))
	assert.True(t, labelMatch(map[string]string{"a": "b"})("a=b"))
	assert.False(t, labelMatch(map[string]string{"a": "b"})("a=c"))
}

func TestParseEnv(t *testing.T) {
	t.Setenv("MYDOCKER_TEST_OURS", "x")
	env, err := parseEnv([]string{"A=1", "B=x=y", "C=", "MYDOCKER_TEST_OURS", "MYDOCKER_TEST_UNSET"})
	assert.NoError(t, err)
	assert.Equal(t, []string{"A=1", "B=x=y", "C=", "MYDOCKER_TEST_OURS=x"}, env)
	for _, bad := range []string{"", "=x"} {
		_, err := parseEnv([]string{bad})
		assert.ErrorContains(t, err, "invalid environment variable", bad)
	}
}
