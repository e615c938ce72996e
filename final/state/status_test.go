package state

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestHumanDurationIsDockers(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "Less than a second", time.Second: "1 second", 42 * time.Second: "42 seconds",
		90 * time.Second: "About a minute", 5 * time.Minute: "5 minutes", time.Hour: "About an hour",
		5 * time.Hour: "5 hours", 72 * time.Hour: "3 days", 21 * 24 * time.Hour: "3 weeks",
		90 * 24 * time.Hour: "3 months", 3 * 365 * 24 * time.Hour: "3 years",
	} {
		assert.Equal(t, want, HumanDuration(d), "%v", d)
	}
}

func TestDockerStatus(t *testing.T) {
	now := time.Now()
	code := 3
	exited := &Container{Status: Exited, ExitCode: &code, FinishedAt: now.Add(-5 * time.Second)}
	assert.Equal(t, "Exited (3) 5 seconds ago", exited.DockerStatus(now))
	assert.Equal(t, "Created", (&Container{Status: Created}).DockerStatus(now))
	unknown := &Container{Status: Exited, FinishedAt: now.Add(-2 * time.Minute)}
	assert.Equal(t, "Exited 2 minutes ago", unknown.DockerStatus(now), "a monitor killed: nobody saw the code")
}
