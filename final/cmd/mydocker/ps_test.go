package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQuoteArgvAsAShellNeedsIt(t *testing.T) {
	assert.Equal(t, "top -b", quoteArgv([]string{"top", "-b"}), "the book joined it into top-b")
	assert.Equal(t, `sh -c 'echo "a  b"'`, quoteArgv([]string{"sh", "-c", `echo "a  b"`}))
	assert.Equal(t, `echo '' 'it'\''s'`, quoteArgv([]string{"echo", "", "it's"}))
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
