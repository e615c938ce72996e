package cgroups

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKeyValuesReadsAFlatKeyedFile(t *testing.T) {
	got := keyValues("usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nbad line x\n")
	assert.Equal(t, map[string]uint64{"usage_usec": 1500, "user_usec": 1000, "system_usec": 500}, got)
}
