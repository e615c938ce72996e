package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/mydocker/mydocker/final/state"
)

// healthArgs is Config.Healthcheck as create's --health-* flags, which
// check it as the CLI's do; zero fields keep the image's, as docker's.
// A ["CMD", argv...] test goes as --health-cmd, its words quoted for
// sh -c: create takes a shell command only (the one difference: the
// check needs /bin/sh in the image, and inspect shows it as CMD-SHELL).
func healthArgs(h *container.HealthConfig) ([]string, error) {
	if h == nil {
		return nil, nil
	}
	var args []string
	add := func(flag, value string) { args = append(args, "--"+flag+"="+value) }
	if len(h.Test) > 0 {
		switch h.Test[0] {
		case "NONE":
			return []string{"--no-healthcheck"}, nil
		case "CMD-SHELL":
			if len(h.Test) != 2 {
				return nil, badRequest("invalid Healthcheck.Test %q: CMD-SHELL takes one command", h.Test)
			}
			add("health-cmd", h.Test[1])
		case "CMD":
			if len(h.Test) < 2 {
				return nil, badRequest("invalid Healthcheck.Test %q: CMD takes a command", h.Test)
			}
			add("health-cmd", shellWords(h.Test[1:]))
		default:
			return nil, badRequest("invalid Healthcheck.Test %q: want NONE, CMD or CMD-SHELL", h.Test)
		}
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"health-interval", h.Interval}, {"health-timeout", h.Timeout}, {"health-start-period", h.StartPeriod}, {"health-start-interval", h.StartInterval}} {
		if d.v > 0 {
			add(d.flag, d.v.String())
		}
	}
	if h.Retries > 0 {
		add("health-retries", strconv.Itoa(h.Retries))
	}
	return args, nil
}

// shellWords quotes each word for sh, so sh -c runs exactly argv.
func shellWords(argv []string) string {
	quoted := make([]string, len(argv))
	for i, w := range argv {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}

// healthConfigOf is the container's check as Config.Healthcheck.
func healthConfigOf(st *state.Container) *container.HealthConfig {
	h := st.Healthcheck
	if h == nil {
		return nil
	}
	return &container.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
		StartPeriod: h.StartPeriod, StartInterval: h.StartInterval, Retries: h.Retries}
}

// healthOf is where the checks stand, as State.Health; nil without a
// check, as docker leaves it out.
func healthOf(st *state.Container) *container.Health {
	if !st.Healthcheck.Enabled() || st.Health == nil {
		return nil
	}
	h := &container.Health{Status: container.HealthStatus(st.Health.Status),
		FailingStreak: st.Health.FailingStreak, Log: []*container.HealthcheckResult{}}
	for _, r := range st.Health.Log {
		h.Log = append(h.Log, &container.HealthcheckResult{Start: r.Start, End: r.End, ExitCode: r.ExitCode, Output: r.Output})
	}
	return h
}

// healthSummaryOf is the list's Health: "none" without a check.
func healthSummaryOf(st *state.Container) *container.HealthSummary {
	if h := healthOf(st); h != nil {
		return &container.HealthSummary{Status: h.Status, FailingStreak: h.FailingStreak}
	}
	return &container.HealthSummary{Status: container.NoHealthcheck}
}
