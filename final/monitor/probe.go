package monitor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// probeOutputMax is how much of a check's output is kept: docker's 4 KiB.
const probeOutputMax = 4096

// Probe runs argv in st as a health check through "mydocker exec", the
// user's own way in (namespaces, cgroup, capabilities, seccomp), with
// mydocker beside us under the root-only rule (container.HelperBinary).
// Past timeout the exec is sent SIGTERM, then killed.
func (h *hub) Probe(st *state.Container, argv []string, timeout time.Duration) (int, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	exe := container.HelperBinary("mydocker")
	cmd := exec.CommandContext(ctx, exe, append([]string{"--root", st.Root(), "exec", st.ID}, argv...)...)
	cmd.Args[0] = "mydocker"
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = time.Second
	out := &capped{max: probeOutputMax}
	cmd.Stdout, cmd.Stderr = out, out
	err := cmd.Run()
	if ctx.Err() != nil {
		return -1, "", fmt.Errorf("Health check exceeded timeout (%s)", timeout)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), nil
	}
	if err != nil {
		return -1, "", err
	}
	return 0, out.String(), nil
}

// capped keeps the first max bytes written to it.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
