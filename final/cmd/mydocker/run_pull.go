package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/image"
)

// pullFlags are run's and create's --pull and --platform, as docker's.
func pullFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "pull", Value: "missing", Usage: "pull the image first: always, missing (when it is not here) or never"},
		&cli.StringFlag{Name: "platform", Usage: "the image's platform, os[/arch[/variant]]: only this machine's (linux/" + runtime.GOARCH + ") runs"},
	}
}

// imageFor is the image of run and create under --pull, checked against
// --platform: missing pulls it when it is not here (getOrPull), never
// only looks here, always pulls it first (a pull that fails fails the
// run, as docker's, even with the image here).
func imageFor(ctx context.Context, cmd *cli.Command, images image.Store, arg string) (*image.Image, error) {
	platform, err := parsePlatform(cmd.String("platform"))
	if err != nil {
		return nil, err
	}
	var img *image.Image
	switch policy := cmd.String("pull"); policy {
	case "missing", "":
		img, err = getOrPull(ctx, images, arg)
	case "never":
		img, err = images.Get(arg)
		var notFound *image.NotFoundError
		if errors.As(err, &notFound) {
			err = fmt.Errorf("No such image: %s", familiarOf(arg))
		}
	case "always":
		if _, err = image.ParseRef(arg); err == nil {
			img, _, err = images.Pull(ctx, arg, image.NewProgress(os.Stderr, "Downloading"))
		}
	default:
		return nil, fmt.Errorf(`invalid pull option: '%s': must be one of "always", "missing" or "never"`, policy)
	}
	if err != nil || platform == "" {
		return img, err
	}
	cfg, err := images.Config(img)
	if err != nil {
		return nil, err
	}
	if have := cfg.OS + "/" + cfg.Architecture; !strings.HasPrefix(platform+"/", have+"/") {
		return nil, fmt.Errorf("image with reference %s was found but does not match the specified platform: wanted %s, actual: %s", familiarOf(arg), platform, have)
	}
	return img, nil
}

// familiarOf is arg as docker names an image in its errors (busybox:latest).
func familiarOf(arg string) string {
	if ref, err := image.ParseRef(arg); err == nil {
		return ref.Familiar()
	}
	return arg
}

// parsePlatform reads --platform as containerd's platforms do (os,
// os/arch, os/arch/variant, or an architecture alone; x86_64 and aarch64
// are amd64 and arm64) and refuses one this machine cannot run: images
// run here as they are, with no emulation. "" is no --platform.
func parsePlatform(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	parts := strings.Split(strings.ToLower(s), "/")
	if len(parts) > 3 || slices.Contains(parts, "") {
		return "", fmt.Errorf("invalid platform %q: want os[/arch[/variant]], such as linux/%s", s, runtime.GOARCH)
	}
	if len(parts) == 1 && parts[0] != "linux" { // an architecture alone
		parts = []string{"linux", parts[0]}
	}
	if len(parts) == 1 {
		parts = append(parts, runtime.GOARCH)
	}
	switch parts[1] {
	case "x86_64", "x86-64":
		parts[1] = "amd64"
	case "aarch64":
		parts[1] = "arm64"
	}
	if parts[0] != "linux" || parts[1] != runtime.GOARCH {
		return "", fmt.Errorf("platform %q is not this machine's: only linux/%s images run here (no emulation)", s, runtime.GOARCH)
	}
	return strings.Join(parts, "/"), nil
}
