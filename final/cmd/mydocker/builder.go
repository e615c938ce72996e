package main

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/build"
	"github.com/mydocker/mydocker/final/image"
)

// The build cache is the build's step images (untagged, intermediate)
// and the index that maps each step to its image (build.Cache). rmi and
// the prunes keep the index to the images the store has; builder prune
// removes the step images themselves.

// builderCommand is docker's "builder" group: prune.
func builderCommand() *cli.Command {
	return &cli.Command{
		Name:     "builder",
		Usage:    "manage builds",
		Commands: []*cli.Command{builderPruneCommand()},
	}
}

func builderPruneCommand() *cli.Command {
	return &cli.Command{
		Name:   "prune",
		Usage:  "remove build cache",
		Before: useRoot,
		Flags: []cli.Flag{forceFlag(),
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "remove all build cache, not just dangling ones"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			warning := "This will remove all dangling build cache."
			if cmd.Bool("a") {
				warning = "This will remove all build cache."
			}
			if !confirmed(cmd, warning) {
				return nil
			}
			p, err := pruneBuildCache(cmd, cmd.Bool("a"))
			p.print()
			printTotal(p.bytes)
			return err
		},
	}
}

// pruneBuildCache removes what killed builds left, and the step images
// no image and no container needs (a failed build's, the steps of an
// image that is gone); with all, every step image no container uses
// (the steps of tagged images too: they keep their layers, and their
// rebuild is no longer cached), the whole index, and the RUN cache
// mounts no step is using.
func pruneBuildCache(cmd *cli.Command, all bool) (pruned, error) {
	p := pruned{heading: "Deleted build cache objects:"}
	root := cmd.Root().String("root")
	build.Tidy(root)
	var err error
	_, p.lines, p.bytes, err = pruneImagesWhere(cmd, func(img *image.Image, hasChildren bool) bool {
		return img.Intermediate && len(img.RepoTags) == 0 && len(img.RepoDigests) == 0 && (all || !hasChildren)
	})
	if err != nil {
		return p, err
	}
	if all {
		if _, err := build.CacheOf(root).Prune(func(string) bool { return false }); err != nil {
			return p, err
		}
		// RUN --mount=type=cache's directories: a warm cache is worth
		// keeping, so only -a takes them.
		names, bytes, err := build.PruneCacheMounts(root)
		p.lines = append(p.lines, names...)
		p.bytes += bytes
		if err != nil {
			return p, err
		}
	}
	pruneStaleCache(cmd)
	return p, nil
}

// pruneStaleCache drops the build cache's entries whose image the store
// no longer has (after rmi or a prune): the index names only images that
// are there. (A build that records a step meanwhile may lose its entry:
// that costs a rebuild of the step, never a wrong hit.)
func pruneStaleCache(cmd *cli.Command) {
	list, err := imageStore(cmd).List()
	if err != nil {
		return
	}
	have := map[string]bool{}
	for _, img := range list {
		have[img.ID] = true
	}
	if _, err := build.CacheOf(cmd.Root().String("root")).Prune(func(id string) bool { return have[id] }); err != nil {
		fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
	}
}
