package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mydocker/mydocker/final/container"
)

func TestExitCode(t *testing.T) {
	assert.Equal(t, 0, exitCode(nil))
	assert.Equal(t, 0, exitCode(exitStatus(0)))
	assert.Equal(t, 3, exitCode(exitStatus(3)), "the container's own status")
	assert.Equal(t, 125, exitCode(errors.New("broken")), "mydocker's own failure")
	notFound := &container.ExecError{Err: fmt.Errorf("wrapped: %w", errors.New("x"))}
	assert.Equal(t, 126, exitCode(notFound))
}
