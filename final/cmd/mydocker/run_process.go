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
// from files and its labels (here), its limits, kernel parameters and
// groups (run_limits.go), its IPC and PID namespaces (run_share.go), its
// devices (run_devices.go) and an init as PID 1 (initproc/reaper.go).
func processFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "stop-signal", Usage: "the signal stop sends (default: the image's STOPSIGNAL, or SIGTERM)"},
		&cli.StringFlag{Name: "stop-timeout", Usage: "seconds stop waits after the stop signal before it kills, -1 for ever (default 10)"},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read environment variables from a file of K=V lines (before -e; repeatable)"},
		&cli.StringSliceFlag{Name: "l", Aliases: []string{"label"}, Usage: "set a label: K=V, or K for an empty value (repeatable)"},
		&cli.StringSliceFlag{Name: "label-file", Usage: "read labels from a file of K=V lines (repeatable)"},
		&cli.StringSliceFlag{Name: "ulimit", Usage: "a resource limit: NAME=SOFT[:HARD], docker's names (nofile, nproc, core, stack, memlock...), -1 unlimited (repeatable)"},
		&cli.StringFlag{Name: "shm-size", Usage: "the size of /dev/shm, such as 128m (default 64m)"},
		&cli.StringFlag{Name: "memory-swap", Usage: "memory plus swap, with -m, such as 1g; -1 for unlimited swap (default: no swap beyond -m)"},
		&cli.StringSliceFlag{Name: "sysctl", Usage: "a kernel parameter of the container's own namespaces: K=V, net.* (not with --network host or container:NAME), kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* (repeatable)"},
		&cli.StringSliceFlag{Name: "device", Usage: "give the container a host device: HOST[:CONTAINER][:PERMISSIONS], permissions of r, w, m (default rwm) (repeatable)"},
		&cli.StringFlag{Name: "ipc", Usage: "the IPC namespace: private (the default) or shareable (its own; others may join it), host (the host's, and its /dev/shm), none (its own, no /dev/shm), container:NAME (a running shareable container's, and its /dev/shm)"},
		&cli.StringFlag{Name: "pid", Usage: "the PID namespace: host (the host's), container:NAME (a running container's) (default: its own, the command as PID 1)"},
		&cli.BoolFlag{Name: "init", Usage: "run an init as PID 1 that passes signals on to the command and reaps zombies (docker's tini)"},
		&cli.StringSliceFlag{Name: "group-add", Usage: "another group for the container's user: a name in the image's /etc/group, or a number (repeatable)"},
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
	if c.Labels, err = readLabels(cmd.StringSlice("label-file"), cmd.StringSlice("l")); err != nil {
		return err
	}
	return parseLimits(cmd, opts)
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
