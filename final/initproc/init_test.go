package initproc

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExecErrorExitCode(t *testing.T) {
	notExec := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))

	for name, tc := range map[string]struct {
		command string
		want    int
	}{
		"not on PATH":    {"mydocker-no-such-command", 127},
		"no such file":   {"/nonexistent/command", 127},
		"a directory":    {"/", 126},
		"not executable": {notExec, 126},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := exec.LookPath(tc.command)
			require.Error(t, err)
			assert.Equal(t, tc.want, (&ExecError{Err: err}).ExitCode())
		})
	}
}
