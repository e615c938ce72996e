package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// The prune commands remove what nothing uses, as docker's: each asks
// first, on stderr, unless -f; each prints what it removed and the space
// that freed.

func forceFlag() cli.Flag {
	return &cli.BoolFlag{Name: "f", Aliases: []string{"force"}, Usage: "do not prompt for confirmation"}
}

// confirmed is main's confirm (volume_prune.go) behind -f.
func confirmed(cmd *cli.Command, warning string) bool {
	return cmd.Bool("f") || confirm("WARNING! "+warning)
}

// pruned is what one prune removed: the lines under its heading, and the
// bytes freed.
type pruned struct {
	heading string
	lines   []string
	bytes   int64
}

// print prints the removed lines under their heading, as docker does.
func (p pruned) print() {
	if len(p.lines) == 0 {
		return
	}
	fmt.Println(p.heading)
	for _, l := range p.lines {
		fmt.Println(l)
	}
	fmt.Println()
}

func printTotal(bytes int64) { fmt.Printf("Total reclaimed space: %s\n", image.HumanSize(bytes)) }

// pruneCommand is one group's "prune": warning is docker's question, run
// does the work.
func pruneCommand(usage, warning string, flags []cli.Flag, run func(*cli.Command) (pruned, error)) *cli.Command {
	return pruneCommandTotal(usage, warning, flags, run, true)
}

// pruneCommandTotal is pruneCommand; total says whether the space freed
// is printed (network prune frees none, and docker's says nothing of it).
func pruneCommandTotal(usage, warning string, flags []cli.Flag, run func(*cli.Command) (pruned, error), total bool) *cli.Command {
	return &cli.Command{
		Name:   "prune",
		Usage:  usage,
		Before: useRoot,
		Flags:  append([]cli.Flag{forceFlag()}, flags...),
		Action: func(_ context.Context, cmd *cli.Command) error {
			if !confirmed(cmd, warning) {
				return nil
			}
			p, err := run(cmd)
			p.print()
			if total {
				printTotal(p.bytes)
			}
			return err
		},
	}
}

func containerPruneCommand() *cli.Command {
	return pruneCommand("remove all stopped containers", "This will remove all stopped containers.", nil, pruneContainers)
}

func imagePruneCommand() *cli.Command {
	return pruneCommand("remove unused images", "This will remove all dangling images.",
		[]cli.Flag{&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "remove all unused images, not just dangling ones"}},
		func(cmd *cli.Command) (pruned, error) { return pruneImages(cmd, cmd.Bool("a")) })
}

func networkPruneCommand() *cli.Command {
	return pruneCommandTotal("remove all unused networks", "This will remove all custom networks not used by at least one container.", nil, pruneNetworks, false)
}

// pruneContainers removes every container that does not run (exited, or
// created and never started).
func pruneContainers(cmd *cli.Command) (pruned, error) {
	s := state.Store{Root: cmd.Root().String("root")}
	states, _, err := reconcileAll(s)
	if err != nil {
		return pruned{heading: "Deleted Containers:"}, err
	}
	return fromLibrary("Deleted Containers:", container.PruneContainers(s, states, nil)), nil
}

// fromLibrary is a library prune's result as printed: each failure said
// on stderr, as the prune went on past it.
func fromLibrary(heading string, p container.Pruned) pruned {
	for _, err := range p.Errs {
		fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
	}
	return pruned{heading: heading, lines: p.Removed, bytes: p.Bytes}
}

// pruneImages removes the images no container uses: those without a name
// (dangling), or with all every one. As docker's, an untagged image that
// another was made on (a build's step under a tagged image) is no
// dangling one: it goes with the last of its children (Remove takes the
// parents along), and a build's steps whose image is gone go too. The
// build cache's entries of the images removed go with them.
func pruneImages(cmd *cli.Command, all bool) (pruned, error) {
	p := pruned{heading: "Deleted Images:"}
	var err error
	p.lines, _, p.bytes, err = pruneImagesWhere(cmd, func(img *image.Image, hasChildren bool) bool {
		return (all || len(img.RepoTags) == 0) && !(len(img.RepoTags) == 0 && hasChildren)
	})
	pruneStaleCache(cmd)
	return p, err
}

// pruneImagesWhere removes each image that no container uses and that
// goes says may go (hasChildren: another image was made on it), with
// the parents Remove takes along: the lines of what it removed (rmi's),
// the IDs removed, and the bytes of the layers that went.
func pruneImagesWhere(cmd *cli.Command, goes func(img *image.Image, hasChildren bool) bool) (lines, ids []string, bytes int64, err error) {
	images := imageStore(cmd)
	used, err := usedImages(cmd)
	if err != nil {
		return nil, nil, 0, err
	}
	list, err := images.List()
	if err != nil {
		return nil, nil, 0, err
	}
	children := parents(list)
	removed := map[string]bool{}
	for _, img := range list {
		if used[img.ID] || removed[img.ID] || !goes(img, children[img.ID]) {
			continue
		}
		lines = append(lines, removeForPrune(images, img.ID, imageUsers(cmd), removed)...)
	}
	for _, img := range list {
		if removed[img.ID] {
			ids = append(ids, img.ID)
		}
	}
	return lines, ids, freedLayers(images, list, removed), nil
}

// removeForPrune removes the image id (and the parents it takes along),
// marks them in removed, and returns the lines to print, in the lower
// case of docker's prune. A failure is said on stderr: the prune goes on.
func removeForPrune(images image.Store, id string, users image.UsersFunc, removed map[string]bool) []string {
	done, err := images.Remove(id, true, users)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
		return nil
	}
	var lines []string
	for _, line := range done {
		if gone, ok := strings.CutPrefix(line, "Deleted: "); ok {
			removed[gone] = true
		}
		lines = append(lines, strings.ToLower(line[:1])+line[1:])
	}
	return lines
}

// usedImages are the images of the containers, after a reconcile.
func usedImages(cmd *cli.Command) (map[string]bool, error) {
	states, _, err := reconcileAll(state.Store{Root: cmd.Root().String("root")})
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, st := range states {
		used[st.ImageID] = true
	}
	return used, nil
}

// imageUsers names the containers of an image by their short IDs (as
// docker's rmi errors), asked again under the images' lock: a container
// made meanwhile keeps its image (with its layers, nameless at worst).
func imageUsers(cmd *cli.Command) image.UsersFunc {
	return func(id string) []string {
		var ids []string
		now, _ := state.Store{Root: cmd.Root().String("root")}.List()
		for _, st := range now {
			if st.ImageID == id {
				ids = append(ids, st.ShortID())
			}
		}
		return ids
	}
}

// parents are the images that another of list was made on.
func parents(list []*image.Image) map[string]bool {
	has := map[string]bool{}
	for _, img := range list {
		if img.Parent != "" {
			has[img.Parent] = true
		}
	}
	return has
}

// freedLayers is the bytes of the layers of the images of list that were
// removed that no image left has: a layer shared with another image stays
// on disk.
func freedLayers(images image.Store, list []*image.Image, gone map[string]bool) int64 {
	var removed []*image.Image
	for _, img := range list {
		if gone[img.ID] {
			removed = append(removed, img)
		}
	}
	kept := map[string]bool{}
	if left, err := images.List(); err == nil {
		for _, img := range left {
			for _, l := range img.Layers {
				kept[l.DiffID] = true
			}
		}
	}
	var n int64
	for _, img := range removed {
		for _, l := range img.Layers {
			if !kept[l.DiffID] {
				kept[l.DiffID] = true // counted once
				n += l.Unpacked
			}
		}
	}
	return n
}

// pruneVolumes removes, for system prune --volumes, the anonymous
// volumes no container uses, as volume prune does.
func pruneVolumes(cmd *cli.Command) (pruned, error) {
	s := store(cmd)
	containers, err := s.List()
	if err != nil {
		return pruned{heading: "Deleted Volumes:"}, err
	}
	p, err := container.PruneVolumes(s, containers, false, nil)
	return fromLibrary("Deleted Volumes:", p), err
}

// pruneNetworks removes the user's networks that no container, running or
// not, is on (docker's own bridge, host and none stay).
func pruneNetworks(cmd *cli.Command) (pruned, error) {
	s := state.Store{Root: cmd.Root().String("root")}
	states, _, err := reconcileAll(s)
	if err != nil {
		return pruned{heading: "Deleted Networks:"}, err
	}
	p, err := container.PruneNetworks(s, states)
	return fromLibrary("Deleted Networks:", p), err
}

// systemPruneCommand removes, as docker system prune, the stopped
// containers, the unused networks, the dangling images (-a: every unused
// one), the build cache no image needs (-a: all of it) and, with
// --volumes, the unused anonymous volumes.
func systemPruneCommand() *cli.Command {
	return &cli.Command{
		Name:   "prune",
		Usage:  "remove unused data",
		Before: useRoot,
		Flags: []cli.Flag{forceFlag(),
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "remove all unused images, not just dangling ones"},
			&cli.BoolFlag{Name: "volumes", Usage: "prune anonymous volumes"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			warning := "This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
			if cmd.Bool("volumes") {
				warning += "  - all anonymous volumes not used by at least one container\n"
			}
			if cmd.Bool("a") {
				warning += "  - all images without at least one container associated to them\n  - all build cache\n"
			} else {
				warning += "  - all dangling images\n  - unused build cache\n"
			}
			if !confirmed(cmd, strings.TrimSuffix(warning, "\n")) {
				return nil
			}
			var total int64
			steps := []func(*cli.Command) (pruned, error){pruneContainers, pruneNetworks}
			if cmd.Bool("volumes") {
				steps = append(steps, pruneVolumes)
			}
			steps = append(steps, func(c *cli.Command) (pruned, error) { return pruneImages(c, c.Bool("a")) },
				func(c *cli.Command) (pruned, error) { return pruneBuildCache(c, c.Bool("a")) })
			for _, step := range steps {
				p, err := step(cmd)
				p.print()
				total += p.bytes
				if err != nil {
					return err
				}
			}
			printTotal(total)
			return nil
		},
	}
}
