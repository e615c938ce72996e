package main

import (
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/state"
)

// healthFlags are run's flags for the container's health check.
func healthFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "health-cmd", Usage: "the command that checks the container's health (run by sh -c in it)"},
		&cli.StringFlag{Name: "health-interval", Usage: "time between checks, such as 30s (default 30s)"},
		&cli.StringFlag{Name: "health-timeout", Usage: "how long a check may take (default 30s)"},
		&cli.IntFlag{Name: "health-retries", Usage: "failures in a row that make it unhealthy (default 3)"},
		&cli.StringFlag{Name: "health-start-period", Usage: "time to start in, when failures do not count (default 0s)"},
		&cli.StringFlag{Name: "health-start-interval", Usage: "time between checks in the start period (default 5s)"},
		&cli.BoolFlag{Name: "no-healthcheck", Usage: "run no health check, not even the image's"},
	}
}

// parseHealth is the container's check: the image's HEALTHCHECK with the
// flags over it, as docker's.
func parseHealth(cmd *cli.Command, image *v1.HealthConfig) (*state.HealthConfig, error) {
	if cmd.Bool("no-healthcheck") {
		for _, f := range []string{"health-cmd", "health-interval", "health-timeout", "health-retries", "health-start-period", "health-start-interval"} {
			if cmd.IsSet(f) {
				return nil, fmt.Errorf("--no-healthcheck conflicts with --health-* options")
			}
		}
		return &state.HealthConfig{Test: []string{"NONE"}}, nil
	}
	h := &state.HealthConfig{}
	if image != nil {
		h = &state.HealthConfig{Test: image.Test, Interval: image.Interval, Timeout: image.Timeout,
			StartPeriod: image.StartPeriod, Retries: image.Retries}
	}
	if cmd.IsSet("health-cmd") {
		h.Test = []string{"CMD-SHELL", cmd.String("health-cmd")}
	}
	for _, d := range []struct {
		flag string
		to   *time.Duration
	}{{"health-interval", &h.Interval}, {"health-timeout", &h.Timeout}, {"health-start-period", &h.StartPeriod}, {"health-start-interval", &h.StartInterval}} {
		if !cmd.IsSet(d.flag) {
			continue
		}
		v, err := time.ParseDuration(cmd.String(d.flag))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("invalid argument %q for \"--%s\" flag: want a duration such as 30s", cmd.String(d.flag), d.flag)
		}
		if v != 0 && v < time.Millisecond {
			return nil, fmt.Errorf("--%s: interval cannot be less than 1ms", d.flag)
		}
		*d.to = v
	}
	if cmd.IsSet("health-retries") {
		if cmd.Int("health-retries") < 0 {
			return nil, fmt.Errorf("--health-retries cannot be negative")
		}
		h.Retries = int(cmd.Int("health-retries"))
	}
	if len(h.Test) == 0 {
		return nil, nil
	}
	if h.Enabled() {
		if _, err := h.Argv(); err != nil {
			return nil, err
		}
	}
	return h, nil
}
