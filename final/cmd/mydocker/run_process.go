package main

import (
	"fmt"
	"maps"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/internal/signals"
	"github.com/mydocker/mydocker/final/state"
)

// processFlags are run's and create's flags for the container's process,
// with docker's names and defaults: how it is stopped, its environment
// from files, its labels.
func processFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "stop-signal", Usage: "the signal stop sends (default: the image's STOPSIGNAL, or SIGTERM)"},
		&cli.StringFlag{Name: "stop-timeout", Usage: "seconds stop waits after the stop signal before it kills, -1 for ever (default 10)"},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read environment variables from a file of K=V lines (before -e; repeatable)"},
		&cli.StringSliceFlag{Name: "l", Aliases: []string{"label"}, Usage: "set a label: K=V, or K for an empty value (repeatable)"},
		&cli.StringSliceFlag{Name: "label-file", Usage: "read labels from a file of K=V lines (repeatable)"},
	}
}

// parseProcess checks the process flags, before anything is made, into
// opts: the stop signal and timeout and the labels go into opts.Config,
// which useImage completes with the image's (imageProcess); the
// --env-file variables go before -e's in opts.Env, as docker's.
func parseProcess(cmd *cli.Command, opts *container.RunOptions) error {
	c := &opts.Config
	if cmd.IsSet("stop-signal") {
		s := cmd.String("stop-signal")
		if _, err := signals.Parse(s); err != nil {
			return fmt.Errorf("--stop-signal: %w", err)
		}
		c.StopSignal = s
	}
	if cmd.IsSet("stop-timeout") {
		t, err := parseStopTimeout(cmd.String("stop-timeout"))
		if err != nil {
			return err
		}
		c.StopTimeout = &t
	}
	fileEnv, err := readEnvFiles(cmd.StringSlice("env-file"))
	if err != nil {
		return err
	}
	opts.Env = append(fileEnv, opts.Env...)
	c.Labels, err = readLabels(cmd.StringSlice("label-file"), cmd.StringSlice("l"))
	return err
}

// imageProcess completes c, the container's config, with the image's: its
// Labels under --label's, and its STOPSIGNAL unless --stop-signal was
// given. The image is not trusted: a STOPSIGNAL that is no signal refuses
// the run (docker would fall back to SIGTERM at stop), and the labels are
// only copied, as strings.
func imageProcess(image string, cfg v1.Config, given state.Config, c *state.Config) error {
	c.StopTimeout = given.StopTimeout
	c.StopSignal = given.StopSignal
	if c.StopSignal == "" && cfg.StopSignal != "" {
		if _, err := signals.Parse(cfg.StopSignal); err != nil {
			return fmt.Errorf("image %s: STOPSIGNAL: %w", image, err)
		}
		c.StopSignal = cfg.StopSignal
	}
	c.Labels = map[string]string{}
	maps.Copy(c.Labels, cfg.Labels)
	maps.Copy(c.Labels, given.Labels)
	return nil
}

// parseStopTimeout reads --stop-timeout: whole seconds, -1 (any negative
// number, as docker) for no limit.
func parseStopTimeout(s string) (int, error) {
	t, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid argument %q for \"--stop-timeout\" flag: want whole seconds", s)
	}
	return t, nil
}

// processConfig puts into inspect's .Config what the process flags
// recorded, with docker's keys: Labels always (an object, {} for none),
// StopSignal and StopTimeout only when set, as docker omits them.
func processConfig(c state.Config, config map[string]any) map[string]any {
	labels := c.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	config["Labels"] = labels
	if c.StopSignal != "" {
		config["StopSignal"] = c.StopSignal
	}
	if c.StopTimeout != nil {
		config["StopTimeout"] = *c.StopTimeout
	}
	return config
}
