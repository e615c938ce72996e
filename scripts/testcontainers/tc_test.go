// Package testcontainers drives mydocker's Engine API with
// testcontainers-go, as a Go project's test suite would drive docker:
// scripts/integration/final-api-testcontainers.bats compiles it once
// (go test -c) and runs it against a "mydocker system service" of its
// own (DOCKER_HOST), whose root already holds busybox and the Ryuk image,
// so that nothing is pulled.
package testcontainers

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
	"github.com/testcontainers/testcontainers-go/wait"
)

// busyboxServer is a container that says "ready" and serves HTTP on
// 8080 (busybox's httpd, a file written first): the two things the wait
// strategies below wait for. Its shell, PID 1, stops on SIGTERM (trap),
// so that terminate does not wait out stop's 10 s.
func busyboxServer(ctx context.Context, t *testing.T, more ...testcontainers.ContainerCustomizer) *testcontainers.DockerContainer {
	t.Helper()
	script := "trap 'exit 0' TERM; mkdir -p /www && echo hello from mydocker >/www/index.html && " +
		"httpd -f -p 8080 -h /www & echo ready; wait"
	opts := append([]testcontainers.ContainerCustomizer{
		testcontainers.WithCmd("sh", "-c", script),
		testcontainers.WithExposedPorts("8080/tcp"),
		testcontainers.WithLabels(map[string]string{"mydocker.test": t.Name()}),
		testcontainers.WithWaitStrategyAndDeadline(30*time.Second,
			wait.ForLog("ready"),
			wait.ForListeningPort("8080/tcp"),
		),
	}, more...)
	c, err := testcontainers.Run(ctx, "busybox:latest", opts...)
	if err != nil {
		t.Fatalf("run busybox: %v", err)
	}
	return c
}

// TestGenericContainer: a container with its wait strategies, its mapped
// port reached from the host, exec, a file copied in, and terminate.
func TestGenericContainer(t *testing.T) {
	ctx := context.Background()
	// A log consumer follows the logs (logs?follow=1) from the start.
	followed := &lineCollector{lines: make(chan string, 16)}
	c := busyboxServer(ctx, t, testcontainers.WithLogConsumers(followed))
	terminated := false
	defer func() {
		if !terminated {
			testcontainers.TerminateContainer(c)
		}
	}()

	endpoint, err := c.PortEndpoint(ctx, "8080/tcp", "http")
	if err != nil {
		t.Fatalf("port endpoint: %v", err)
	}
	if strings.HasSuffix(endpoint, ":8080") {
		t.Errorf("host port 0 should be mapped to another port, got %s", endpoint)
	}
	// Straight to the port: a proxy of the environment's is not ours.
	direct := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	resp, err := direct.Get(endpoint + "/index.html")
	if err != nil {
		t.Fatalf("GET %s: %v", endpoint, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "hello from mydocker") {
		t.Errorf("GET %s = %q", endpoint, body)
	}

	code, out := execOutput(ctx, t, c, "sh", "-c", "echo out; echo err >&2; exit 3")
	if code != 3 || !strings.Contains(out, "out") || !strings.Contains(out, "err") {
		t.Errorf("exec: exit %d, output %q", code, out)
	}

	if err := c.CopyToContainer(ctx, []byte("copied in\n"), "/tmp/copied.txt", 0o640); err != nil {
		t.Fatalf("copy to container: %v", err)
	}
	code, out = execOutput(ctx, t, c, "stat", "-c", "%a %s", "/tmp/copied.txt")
	if code != 0 || strings.TrimSpace(out) != "640 10" {
		t.Errorf("the copied file: exit %d, stat %q", code, out)
	}
	rc, err := c.CopyFileFromContainer(ctx, "/tmp/copied.txt")
	if err != nil {
		t.Fatalf("copy from container: %v", err)
	}
	back, _ := io.ReadAll(rc)
	rc.Close()
	if string(back) != "copied in\n" {
		t.Errorf("copied back %q", back)
	}

	logs, err := c.Logs(ctx)
	if err != nil {
		t.Fatalf("logs: %v", err)
	}
	all, _ := io.ReadAll(logs)
	if !bytes.Contains(all, []byte("ready")) {
		t.Errorf("logs %q", all)
	}

	select {
	case line := <-followed.lines:
		if line != "ready\n" {
			t.Errorf("the log consumer's first line is %q", line)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the log consumer got no line")
	}

	terminated = true
	if err := c.Terminate(ctx); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	if _, err := c.State(ctx); err == nil {
		t.Errorf("the container is still there after terminate")
	}
}

// TestLeftForReaper leaves a running container behind, as a test that
// crashed would: the reaper, told this session's labels when the first
// container was made, removes it once this process is gone. It runs only
// when asked to (TC_LEAVE_FOR_REAPER=1), by the bats test that checks so.
func TestLeftForReaper(t *testing.T) {
	if os.Getenv("TC_LEAVE_FOR_REAPER") != "1" {
		t.Skip("leaves a container for the reaper: TC_LEAVE_FOR_REAPER=1")
	}
	c := busyboxServer(context.Background(), t)
	t.Logf("left running: %s", c.GetContainerID())
}

// execOutput runs cmd in c and returns its exit code and its output,
// stdout and stderr demultiplexed.
func execOutput(ctx context.Context, t *testing.T, c testcontainers.Container, cmd ...string) (int, string) {
	t.Helper()
	code, r, err := c.Exec(ctx, cmd, tcexec.Multiplexed())
	if err != nil {
		t.Fatalf("exec %v: %v", cmd, err)
	}
	out, _ := io.ReadAll(r)
	return code, string(out)
}

// lineCollector is a log consumer that passes each line on.
type lineCollector struct{ lines chan string }

func (c *lineCollector) Accept(l testcontainers.Log) {
	select {
	case c.lines <- string(l.Content):
	default:
	}
}
