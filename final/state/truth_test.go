package state

import (
	"os"
	"strings"
	"testing"
	"time"
)

// A container that exited and whose monitor (here: this test) waits to
// start it again is Restarting, as its policy says.
func TestRestarting(t *testing.T) {
	me, err := ProcessOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	code := 1
	st := &Container{ID: strings.Repeat("a", 64), Status: Exited, Monitored: true, Owner: me, ExitCode: &code,
		Restart: RestartPolicy{Name: "on-failure", MaxRetries: 3}, FinishedAt: time.Now().Add(-2 * time.Second)}
	if !st.Restarting() || st.DockerState() != "restarting" {
		t.Fatalf("Restarting() = %v, DockerState() = %q: want a restarting container", st.Restarting(), st.DockerState())
	}
	if got := st.DockerStatus(time.Now()); got != "Restarting (1) 2 seconds ago" {
		t.Errorf("DockerStatus = %q", got)
	}
	for name, change := range map[string]func(*Container){
		"stopped":      func(c *Container) { c.StopRequested = true },
		"retries used": func(c *Container) { c.Restarts = 3 },
		"no monitor":   func(c *Container) { c.Owner = Process{} },
		"no policy":    func(c *Container) { c.Restart = RestartPolicy{} },
	} {
		c := *st
		change(&c)
		if c.Restarting() {
			t.Errorf("%s: Restarting() = true", name)
		}
	}
}
