package container

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/state"
)

// startHealth runs the container's health check, as docker's daemon
// does, from its monitor m, until the returned stop: first "starting",
// then a check every interval, each recorded in its state (Health). The
// check runs in the container as exec runs a command (Monitor.Probe).
func startHealth(store state.Store, st *state.Container, m Monitor) (stop func()) {
	cfg := st.Healthcheck
	if !cfg.Enabled() {
		return func() {}
	}
	argv, err := cfg.Argv()
	if err != nil {
		logrus.WithError(err).WithField("container", st.Name).Warn("no health check")
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	setHealth(store, st, func(h *state.Health) { *h = state.Health{Status: state.HealthStarting} })
	go func() {
		defer close(done)
		started := time.Now()
		for {
			inStart := time.Since(started) < cfg.StartPeriod
			select {
			case <-ctx.Done():
				return
			case <-time.After(cfg.Every(inStart)):
			}
			r := probe(m, st, argv, cfg.TimeoutOrDefault())
			if ctx.Err() != nil {
				return // it ended meanwhile: the check says nothing of it
			}
			setHealth(store, st, func(h *state.Health) { h.Record(r, cfg, inStart) })
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// probe runs one check.
func probe(m Monitor, st *state.Container, argv []string, timeout time.Duration) state.HealthResult {
	r := state.HealthResult{Start: time.Now()}
	code, output, err := m.Probe(st, argv, timeout)
	r.End, r.ExitCode, r.Output = time.Now(), code, output
	if err != nil {
		r.ExitCode, r.Output = -1, err.Error()
	}
	return r
}

// setHealth changes the container's saved Health.
func setHealth(store state.Store, st *state.Container, change func(*state.Health)) {
	err := store.Change(st, func(now *state.Container) error {
		if now.Health == nil {
			now.Health = &state.Health{Status: state.HealthStarting}
		}
		change(now.Health)
		return now.Save()
	})
	if err != nil {
		logrus.WithError(err).WithField("container", st.Name).Warn("record its health")
	}
}
