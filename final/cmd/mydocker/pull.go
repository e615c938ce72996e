package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/image"
)

func pullCommand() *cli.Command {
	return &cli.Command{
		Name:      "pull",
		Usage:     "pull an image from a registry: mydocker pull NAME[:TAG|@DIGEST]",
		ArgsUsage: "NAME[:TAG|@DIGEST]",
		UsageText: `mydocker pull busybox | alpine:3.20 | localhost:5000/team/app@sha256:...

   Progress goes to stderr; stdout gets one line, the reference pulled, in
   full (docker.io/library/busybox:latest), as docker's.`,
		Before: useRoot,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("pull: want exactly one image reference")
			}
			images := image.Store{Root: cmd.Root().String("root")}
			_, byDigest, err := images.Pull(ctx, cmd.Args().First(), image.NewProgress(os.Stderr, "Downloading"))
			if err != nil {
				return err
			}
			fmt.Println(pulledRef(cmd.Args().First(), byDigest))
			return nil
		},
	}
}

// getOrPull finds the image arg names, or pulls it when it is a reference
// that is not here, its progress on stderr. A failure says both: not
// here, and why the pull failed.
func getOrPull(ctx context.Context, images image.Store, arg string) (*image.Image, error) {
	return getOrPullWith(ctx, images, arg, stderrProgress)
}

// stderrProgress is a pull's progress on stderr.
func stderrProgress() image.Progress { return image.NewProgress(os.Stderr, "Downloading") }

// getOrPullWith is getOrPull with the pull's progress on newProgress's.
func getOrPullWith(ctx context.Context, images image.Store, arg string, newProgress func() image.Progress) (*image.Image, error) {
	img, err := images.Get(arg)
	var notFound *image.NotFoundError
	if !errors.As(err, &notFound) {
		return img, err
	}
	ref, perr := image.ParseRef(arg)
	if perr != nil {
		return nil, perr
	}
	p := &deferredProgress{first: fmt.Sprintf("Unable to find image '%s' locally", ref.Familiar()), make: newProgress}
	img, _, err = images.Pull(ctx, arg, p)
	if err != nil {
		return nil, fmt.Errorf("image %s is not here, and pulling it failed: %w", ref.Familiar(), err)
	}
	return img, nil
}

// deferredProgress shows a pull's progress only once it has found the
// image, with the line first before it: a pull that fails at once leaves
// the one line of its error.
type deferredProgress struct {
	first string
	make  func() image.Progress
	image.Progress
}

func (d *deferredProgress) start() {
	if d.Progress == nil {
		d.Progress = d.make()
		d.Progress.Say("%s", d.first)
	}
}

func (d *deferredProgress) Say(format string, args ...any) {
	d.start()
	d.Progress.Say(format, args...)
}

func (d *deferredProgress) Layer(digest string, size int64) image.LayerProgress {
	d.start()
	return d.Progress.Layer(digest, size)
}

func (d *deferredProgress) Wait() {
	if d.Progress != nil {
		d.Progress.Wait()
	}
}

// pulledRef is the line pull prints: the reference as pulled, in full,
// as docker's (docker.io/library/busybox:latest; REPO@sha256:… for a
// pull by digest). The digest is in inspect's RepoDigests.
func pulledRef(arg, byDigest string) string {
	ref, err := image.ParseRef(arg)
	if err != nil || ref.Tag() == "" {
		return byDigest
	}
	return ref.String()
}
