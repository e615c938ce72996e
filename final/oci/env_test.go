package oci

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestProcessEnv(t *testing.T) {
	home := func() string { return "/home/u" }
	for name, tc := range map[string]struct{ env, want []string }{
		"no HOME":         {[]string{"PATH=/bin"}, []string{"PATH=/bin", "HOME=/home/u"}},
		"HOME kept":       {[]string{"HOME=/override", "PATH=/bin"}, []string{"HOME=/override", "PATH=/bin"}},
		"empty HOME":      {[]string{"HOME=", "PATH=/bin"}, []string{"PATH=/bin", "HOME=/home/u"}},
		"last HOME empty": {[]string{"HOME=/override", "HOME="}, []string{"HOME=/home/u"}},
		"last value wins": {[]string{"ONE=two", "PATH=/bin", "ONE=", "HOME=/"}, []string{"PATH=/bin", "ONE=", "HOME=/"}},
		"new line":        {[]string{"NL=\n", "PATH=/bin"}, []string{"NL=\n", "PATH=/bin", "HOME=/home/u"}},
		"none":            {nil, []string{"HOME=/home/u"}},
	} {
		assert.Equal(t, tc.want, processEnv(tc.env, home), name)
	}
	called := false
	processEnv([]string{"HOME=/h"}, func() string { called = true; return "" })
	assert.False(t, called, "home is read only when HOME is missing")
}
