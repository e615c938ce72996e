package containerfs

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A tar of a path starts with its last element, or "." for what a
// directory holds, as docker's daemon names the entries.
func TestCopyBaseIsTheLastElementOrDot(t *testing.T) {
	for src, want := range map[string]string{"/etc": "etc", "/etc/": "etc", "/etc/.": ".", "/": ".", "a/b": "b", "/link": "link"} {
		assert.Equal(t, want, copyBase(src), src)
	}
}
