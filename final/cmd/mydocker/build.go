package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/build"
	"github.com/mydocker/mydocker/final/build/buildctx"
	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/monitor"
)

// buildCommand is docker build (issue 25): a Dockerfile to an image.
func buildCommand() *cli.Command {
	return &cli.Command{
		Name:      "build",
		Usage:     "build an image from a Dockerfile",
		UsageText: "mydocker build [-t NAME[:TAG]]... [-f Dockerfile] [--build-arg K=V]... [--target STAGE] [--no-cache] [--pull] [--label K=V]... [--network bridge|host|none] [--progress plain|tty] [-q] CONTEXT",
		Before:    useRoot,
		// A --build-arg or --label value is one value, even with a comma.
		DisableSliceFlagSeparator: true,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "t", Aliases: []string{"tag"}, Usage: "name the image NAME[:TAG] (repeatable)"},
			&cli.StringFlag{Name: "f", Aliases: []string{"file"}, Usage: "the Dockerfile (default: CONTEXT/Dockerfile)"},
			&cli.StringSliceFlag{Name: "build-arg", Usage: "set a build-time variable, K=V, or K for our value of K (repeatable)"},
			&cli.StringFlag{Name: "target", Usage: "build this stage and those it needs, not the last"},
			&cli.BoolFlag{Name: "no-cache", Usage: "build every step again, without the cache"},
			&cli.BoolFlag{Name: "pull", Usage: "pull the FROM images again, even when they are here"},
			&cli.StringSliceFlag{Name: "label", Usage: "set a label on the image, K=V (repeatable)"},
			&cli.StringFlag{Name: "network", Value: "bridge", Usage: "the network of the RUN steps: bridge, host or none"},
			&cli.StringFlag{Name: "progress", Value: "auto", Usage: "the progress's form: auto, plain or tty (all docker's plain one here)"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "print only the image ID"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			// What killed builds left goes first; this build's own
			// scratch directory, named for this process, holds the
			// context unpacked from a tar and whatever the build makes.
			root := cmd.Root().String("root")
			build.Tidy(root)
			tmp, err := build.TempDir(root)
			if err != nil {
				fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
				return exitStatus(1)
			}
			defer build.RemoveTemp(tmp)
			opts, err := buildOptions(cmd, tmp)
			if err == nil {
				err = runBuild(ctx, cmd, opts)
			}
			if opts.Context != nil {
				opts.Context.Close()
			}
			if err != nil {
				// docker build exits 1 when a build fails, bad input included.
				fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
				return exitStatus(1)
			}
			return nil
		},
	}
}

// runBuild builds, and prints the image's ID with -q.
func runBuild(ctx context.Context, cmd *cli.Command, opts build.Options) error {
	opts.Run = buildStep(cmd)
	images := image.Store{Root: opts.Root}
	opts.Image = func(ctx context.Context, name string, pull bool) (*image.Image, error) {
		if pull {
			img, _, err := images.Pull(ctx, name, image.NewProgress(os.Stderr, "Downloading"))
			return img, err
		}
		return getOrPull(ctx, images, name)
	}
	img, err := build.Build(ctx, opts)
	if err != nil {
		return err
	}
	if cmd.Bool("q") {
		fmt.Println(img.ID)
	}
	return nil
}

// buildOptions reads the flags and the context.
func buildOptions(cmd *cli.Command, tmp string) (build.Options, error) {
	opts := build.Options{
		Root: cmd.Root().String("root"), Tmp: tmp, Tags: cmd.StringSlice("t"), Target: cmd.String("target"),
		NoCache: cmd.Bool("no-cache"), Pull: cmd.Bool("pull"), Network: cmd.String("network"),
		Progress: os.Stderr,
	}
	if cmd.Args().Len() != 1 {
		return opts, errors.New(`"build" requires exactly 1 argument: mydocker build [OPTIONS] PATH | URL | -`)
	}
	switch p := cmd.String("progress"); p {
	case "auto", "plain", "tty":
	case "quiet":
		opts.Progress = nil
	default:
		return opts, fmt.Errorf("invalid --progress %q: want auto, plain or tty", p)
	}
	if cmd.Bool("q") {
		opts.Progress = nil
	}
	switch opts.Network {
	case "bridge", "default", "host", "none":
	default:
		return opts, fmt.Errorf("network mode %q not supported by buildkit: want bridge, host or none", opts.Network)
	}
	for _, t := range opts.Tags {
		if _, err := image.ParseRef(t); err != nil {
			return opts, fmt.Errorf("invalid tag %q: %w", t, err)
		}
	}
	var err error
	if opts.BuildArgs, err = keyValues(cmd.StringSlice("build-arg"), "--build-arg", true); err != nil {
		return opts, err
	}
	if opts.Labels, err = keyValues(cmd.StringSlice("label"), "--label", false); err != nil {
		return opts, err
	}
	err = readContext(cmd, &opts)
	return opts, err
}

// keyValues reads K=V flags; with fromEnv, K alone is our value of K
// (left out when we have none), as docker's --build-arg.
func keyValues(specs []string, flag string, fromEnv bool) (map[string]string, error) {
	m := map[string]string{}
	for _, spec := range specs {
		k, v, ok := strings.Cut(spec, "=")
		if k == "" {
			return nil, fmt.Errorf("invalid %s %q: want K=V", flag, spec)
		}
		if !ok && fromEnv {
			if v, ok = os.LookupEnv(k); !ok {
				continue
			}
		}
		m[k] = v
	}
	return m, nil
}

// readContext opens the context (a directory, a tar, or "-": stdin's
// Dockerfile or tar) and reads its Dockerfile (-f, or the context's).
func readContext(cmd *cli.Command, opts *build.Options) error {
	ctx, err := buildctx.OpenContext(cmd.Args().First(), os.Stdin, opts.Tmp, cmd.String("f"))
	if err != nil {
		return err
	}
	opts.Context = ctx
	if opts.Dockerfile, err = ctx.Dockerfile(); err != nil {
		ctx.Close()
		return err
	}
	return nil
}

// buildStep runs a RUN step's container as run does in the foreground: a
// monitor, attached before the command starts, whose output is streamed
// to out. The container stays after it exits: the build takes its changes,
// then removes it.
func buildStep(cmd *cli.Command) func(context.Context, container.RunOptions, io.Writer) (string, int, error) {
	return func(_ context.Context, opts container.RunOptions, out io.Writer) (string, int, error) {
		if opts.ImageID != "" {
			// Held until we exit, as run's: an rmi meanwhile must not take
			// the layers the container is made on.
			if _, err := (image.Store{Root: opts.Root}).Hold(opts.ImageID); err != nil {
				return "", 0, err
			}
		}
		if err := makeOnFirstUse(opts); err != nil {
			return "", 0, err
		}
		opts.MergeOutput = true // one stream, in its order
		started, err := startMonitor(cmd, monitor.Options{Run: &opts, Attach: true}, opts.Security)
		if err != nil {
			return "", 0, err
		}
		// ^C goes to the step's command, as docker's: it ends, the step
		// fails, and its container is removed, instead of running on
		// behind a build that was killed.
		signals := proxySignals()
		defer signal.Stop(signals)
		status, err := monitor.Stream(started.Conn, monitor.AttachOptions{Stdout: out, Stderr: out, Signals: signals})
		return started.ID, status, err
	}
}
