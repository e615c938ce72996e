package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Our failures exit 125, those of update/events/checkpoint/restore 1 and
// exec's 255, as runc's; a container's status passes through.
func TestExitCode(t *testing.T) {
	assert.Equal(t, 0, exitCode(nil))
	assert.Equal(t, 3, exitCode(exitStatus(3)))
	assert.Equal(t, 125, exitCode(errors.New("bad input")))
	assert.Equal(t, 1, exitCode(failsWithOne{errors.New("update failed")}))
	assert.Equal(t, 255, exitCode(execFailure{fmt.Errorf("exec: %w", errors.New("no such container"))}))
}
