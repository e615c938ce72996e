package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/diskusage"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// systemCommand is docker's "system" group: df, prune, info.
func systemCommand() *cli.Command {
	return &cli.Command{
		Name:     "system",
		Usage:    "manage mydocker",
		Commands: []*cli.Command{systemDfCommand(), infoCommand(), systemPruneCommand(), systemServiceCommand()},
	}
}

// systemDfCommand shows the disk that images, containers and volumes
// use, as docker system df: TYPE TOTAL ACTIVE SIZE RECLAIMABLE.
func systemDfCommand() *cli.Command {
	return &cli.Command{
		Name:   "df",
		Usage:  "show mydocker disk usage",
		Before: useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			root := cmd.Root().String("root")
			states, _, err := reconcileAll(state.Store{Root: root})
			if err != nil {
				return err
			}
			u, err := diskusage.Of(root, states)
			if err != nil {
				return err
			}
			var images, containers, vols dfRow
			for _, c := range u.Containers {
				containers.add(c.Size, c.State.Running())
			}
			for _, img := range u.Images {
				images.add(img.Size, img.Containers > 0)
			}
			for _, v := range u.Volumes {
				vols.add(v.Size, v.Refs > 0)
			}
			w := newTable(0)
			fmt.Fprintln(w, "TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE")
			images.print(w, "Images")
			containers.print(w, "Containers")
			vols.print(w, "Local Volumes")
			fmt.Fprintf(w, "Build Cache\t%d\t0\t%s\t%s\n", u.Steps+u.CacheMounts, image.HumanSize(u.CacheSize), image.HumanSize(u.CacheSize))
			return w.Flush()
		},
	}
}

// dfRow is one line of system df: how many, how many in use, their
// bytes and the bytes of those not in use.
type dfRow struct {
	count, active int
	size, free    int64
}

func (r *dfRow) add(size int64, active bool) {
	r.count++
	r.size += size
	if active {
		r.active++
	} else {
		r.free += size
	}
}

func (r dfRow) print(w io.Writer, kind string) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\n", kind, r.count, r.active, image.HumanSize(r.size), reclaimable(r.free, r.size))
}

// reclaimable is docker's "11.63MB (70%)".
func reclaimable(free, total int64) string {
	pct := 0
	if total > 0 {
		pct = int(free * 100 / total)
	}
	return fmt.Sprintf("%s (%d%%)", image.HumanSize(free), pct)
}
