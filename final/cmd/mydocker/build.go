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
			opts, err := buildOptions(cmd)
			var img *image.Image
			if err == nil {
				img, err = buildFrom(ctx, cmd, opts, buildSource{Arg: cmd.Args().First(), In: os.Stdin, Dockerfile: cmd.String("f")})
			}
			if err != nil {
				// docker build exits 1 when a build fails, bad input included.
				fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
				return exitStatus(1)
			}
			if cmd.Bool("q") {
				fmt.Println(img.ID)
			}
			return nil
		},
	}
}

// buildSource is where a build's context and Dockerfile come from, and
// who sees its RUN steps and pulls.
type buildSource struct {
	Arg        string    // a directory, a tar, a URL, or "-": In
	In         io.Reader // stdin, or the API's request body
	Dockerfile string    // -f: "" for the context's Dockerfile
	// Spawned, when set, is told each RUN step's monitor (the API
	// server reaps them); the steps then take no signals of ours.
	Spawned func(pid int)
	// Pulls shows a FROM image's pull; nil for stderr.
	Pulls func() image.Progress
}

// buildFrom builds opts from src in a scratch directory of its own: what
// build and the API server's POST /build both run. What killed builds
// left goes first; the scratch directory, named for this process, holds
// the context unpacked from a tar and whatever the build makes.
func buildFrom(ctx context.Context, cmd *cli.Command, opts build.Options, src buildSource) (*image.Image, error) {
	build.Tidy(opts.Root)
	tmp, err := build.TempDir(opts.Root)
	if err != nil {
		return nil, err
	}
	defer build.RemoveTemp(tmp)
	opts.Tmp = tmp
	bctx, err := buildctx.OpenContext(src.Arg, src.In, tmp, src.Dockerfile)
	if err != nil {
		return nil, err
	}
	defer bctx.Close()
	opts.Context = bctx
	if opts.Dockerfile, err = bctx.Dockerfile(); err != nil {
		return nil, err
	}
	opts.Run = buildStep(cmd, src.Spawned)
	opts.Image = fromImage(image.Store{Root: opts.Root}, src.Pulls)
	return build.Build(ctx, opts)
}

// fromImage gets a FROM's image: pulled with --pull, else pulled only
// when it is not here, its progress on pulls' (stderr when nil).
func fromImage(images image.Store, pulls func() image.Progress) func(context.Context, string, bool) (*image.Image, error) {
	if pulls == nil {
		pulls = stderrProgress
	}
	return func(ctx context.Context, name string, pull bool) (*image.Image, error) {
		if pull {
			img, _, err := images.Pull(ctx, name, pulls())
			return img, err
		}
		return getOrPullWith(ctx, images, name, pulls)
	}
}

// buildOptions reads the flags.
func buildOptions(cmd *cli.Command) (build.Options, error) {
	opts := build.Options{
		Root: cmd.Root().String("root"), Tags: cmd.StringSlice("t"), Target: cmd.String("target"),
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
	opts.Labels, err = keyValues(cmd.StringSlice("label"), "--label", false)
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

// buildStep runs a RUN step's container as run does in the foreground: a
// monitor, attached before the command starts, whose output is streamed
// to out. The container stays after it exits: the build takes its changes,
// then removes it. spawned, when set, is told the monitor's pid (the API
// server reaps it).
func buildStep(cmd *cli.Command, spawned func(int)) func(context.Context, container.RunOptions, io.Writer) (string, int, error) {
	return func(ctx context.Context, opts container.RunOptions, out io.Writer) (string, int, error) {
		// A build whose API client hung up goes no further.
		if err := ctx.Err(); err != nil {
			return "", 0, err
		}
		if opts.ImageID != "" {
			// Held until we exit (the API server: until the build
			// ends), as run's: an rmi meanwhile must not take the
			// layers the container is made on.
			if _, err := (image.Store{Root: opts.Root}).Hold(opts.ImageID); err != nil {
				return "", 0, err
			}
		}
		if err := makeOnFirstUse(opts); err != nil {
			return "", 0, err
		}
		opts.MergeOutput = true // one stream, in its order
		started, err := startMonitor(cmd, monitor.Options{Run: &opts, Attach: true, Spawned: spawned}, opts.Security)
		if err != nil {
			return "", 0, err
		}
		// ^C goes to the step's command, as docker's: it ends, the step
		// fails, and its container is removed, instead of running on
		// behind a build that was killed. The server's signals are its
		// own: none goes to its builds' steps.
		var signals chan os.Signal
		if spawned == nil {
			signals = proxySignals()
			defer signal.Stop(signals)
		}
		status, err := monitor.Stream(started.Conn, monitor.AttachOptions{Stdout: out, Stderr: out, Signals: signals})
		return started.ID, status, err
	}
}
