package containerfs

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitCopyArg(t *testing.T) {
	for arg, want := range map[string][3]any{
		"box:/etc/passwd": {"box", "/etc/passwd", true},
		"box:rel":         {"box", "rel", true},
		"/host/path":      {"", "/host/path", false},
		"./a:b":           {"", "./a:b", false},
		"plain":           {"", "plain", false},
		":/x":             {"", ":/x", false},
	} {
		ref, p, in := SplitCopyArg(arg)
		assert.Equal(t, want, [3]any{ref, p, in}, arg)
	}
}
