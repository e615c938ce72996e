package main

import (
	"errors"
	"fmt"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mydocker/mydocker/final/initproc"
	"github.com/mydocker/mydocker/final/monitor"
)

func TestExitCode(t *testing.T) {
	assert.Equal(t, 0, exitCode(nil))
	assert.Equal(t, 0, exitCode(exitStatus(0)))
	assert.Equal(t, 3, exitCode(exitStatus(3)), "the container's own status")
	assert.Equal(t, 125, exitCode(errors.New("broken")), "mydocker's own failure")
	notFound := &initproc.ExecError{Err: fmt.Errorf("wrapped: %w", errors.New("x"))}
	assert.Equal(t, 126, exitCode(notFound))
}

func TestExitCodeOfAReportedStart(t *testing.T) {
	reported := &monitor.StartError{Message: "exec nope: not found", Code: 127}
	assert.Equal(t, 127, exitCode(fmt.Errorf("start: %w", reported)), "the monitor's status")
	helper := fmt.Errorf("iptables: %w", exec.Command("false").Run())
	assert.Equal(t, 125, exitCode(helper), "a helper's exit status is not the container's")
}
