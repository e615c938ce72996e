package state

import (
	"fmt"
	"time"
)

// HealthConfig is a container's health check: the image's HEALTHCHECK
// with the --health-* flags over it, as docker's.
type HealthConfig struct {
	// Test is ["CMD", argv...] or ["CMD-SHELL", command]; ["NONE"] turns
	// the image's check off.
	Test          []string      `json:"Test,omitempty"`
	Interval      time.Duration `json:"Interval,omitempty"`
	Timeout       time.Duration `json:"Timeout,omitempty"`
	StartPeriod   time.Duration `json:"StartPeriod,omitempty"`
	StartInterval time.Duration `json:"StartInterval,omitempty"`
	Retries       int           `json:"Retries,omitempty"`
}

// docker's defaults for what a check leaves out.
const (
	defaultHealthInterval = 30 * time.Second
	defaultHealthTimeout  = 30 * time.Second
	defaultStartInterval  = 5 * time.Second
	defaultHealthRetries  = 3
)

// Enabled reports whether there is a check to run.
func (h *HealthConfig) Enabled() bool {
	return h != nil && len(h.Test) > 0 && h.Test[0] != "NONE"
}

// Argv is what the check runs in the container.
func (h *HealthConfig) Argv() ([]string, error) {
	switch h.Test[0] {
	case "CMD":
		if len(h.Test) > 1 {
			return h.Test[1:], nil
		}
	case "CMD-SHELL":
		if len(h.Test) == 2 {
			return []string{"/bin/sh", "-c", h.Test[1]}, nil
		}
	}
	return nil, fmt.Errorf("health check %q: want CMD ARGS... or CMD-SHELL COMMAND", h.Test)
}

// Every is the time between checks: StartInterval during the start
// period, Interval after.
func (h *HealthConfig) Every(inStartPeriod bool) time.Duration {
	if inStartPeriod && h.StartPeriod > 0 {
		return orDefault(h.StartInterval, defaultStartInterval)
	}
	return orDefault(h.Interval, defaultHealthInterval)
}

// TimeoutOrDefault is how long one check may take.
func (h *HealthConfig) TimeoutOrDefault() time.Duration {
	return orDefault(h.Timeout, defaultHealthTimeout)
}

// RetriesOrDefault is how many failures in a row make it unhealthy.
func (h *HealthConfig) RetriesOrDefault() int {
	if h.Retries <= 0 {
		return defaultHealthRetries
	}
	return h.Retries
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// The health states, docker's words.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// Health is where a container's checks stand, as docker's State.Health.
type Health struct {
	Status        string         `json:"Status"`
	FailingStreak int            `json:"FailingStreak"`
	Log           []HealthResult `json:"Log"`
}

// HealthResult is one check's run.
type HealthResult struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}

// healthLogSize is how many results are kept: docker's 5.
const healthLogSize = 5

// Record adds result r of a check to h, under cfg: a success makes it
// healthy; Retries failures in a row, unhealthy, except that a failure
// in the start period does not count.
func (h *Health) Record(r HealthResult, cfg *HealthConfig, inStartPeriod bool) {
	h.Log = append(h.Log, r)
	if len(h.Log) > healthLogSize {
		h.Log = h.Log[len(h.Log)-healthLogSize:]
	}
	if r.ExitCode == 0 {
		h.Status, h.FailingStreak = HealthHealthy, 0
		return
	}
	if inStartPeriod && h.Status == HealthStarting {
		return
	}
	h.FailingStreak++
	if h.FailingStreak >= cfg.RetriesOrDefault() {
		h.Status = HealthUnhealthy
	}
}
