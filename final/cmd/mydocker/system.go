package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/build"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
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
			images, err := imageStore(cmd).List()
			if err != nil {
				return err
			}
			vols, err := volume.Store{Root: root}.List()
			if err != nil {
				return err
			}
			usedImages, usedVolumes := map[string]bool{}, map[string]bool{}
			var cSize, cFree int64
			cActive := 0
			for _, st := range states {
				usedImages[st.ImageID] = true
				for _, v := range st.Volumes {
					usedVolumes[v.Host] = true
				}
				size := volume.DirSize(st.Workspace().Upper())
				cSize += size
				if st.Running() {
					cActive++
				} else {
					cFree += size
				}
			}
			// A build's step images are its cache, as docker counts them:
			// their layers are those of the images built (counted there),
			// and the RUN cache mounts are the build cache's own bytes.
			var iSize, iFree int64
			iActive, iCount, steps := 0, 0, 0
			for _, img := range images {
				if img.Intermediate && len(img.RepoTags) == 0 && !usedImages[img.ID] {
					steps++
					continue
				}
				iCount++
				iSize += img.Size()
				if usedImages[img.ID] {
					iActive++
				} else {
					iFree += img.Size()
				}
			}
			var vSize, vFree int64
			vActive := 0
			store := volume.Store{Root: root}
			for _, v := range vols {
				size := volume.DirSize(store.Path(v.Name))
				vSize += size
				if usedVolumes[store.Path(v.Name)] {
					vActive++
				} else {
					vFree += size
				}
			}
			w := newTable(0)
			fmt.Fprintln(w, "TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE")
			fmt.Fprintf(w, "Images\t%d\t%d\t%s\t%s\n", iCount, iActive, image.HumanSize(iSize), reclaimable(iFree, iSize))
			fmt.Fprintf(w, "Containers\t%d\t%d\t%s\t%s\n", len(states), cActive, image.HumanSize(cSize), reclaimable(cFree, cSize))
			fmt.Fprintf(w, "Local Volumes\t%d\t%d\t%s\t%s\n", len(vols), vActive, image.HumanSize(vSize), reclaimable(vFree, vSize))
			mounts, bSize := build.CacheMountsUsage(root)
			fmt.Fprintf(w, "Build Cache\t%d\t0\t%s\t%s\n", steps+mounts, image.HumanSize(bSize), image.HumanSize(bSize))
			return w.Flush()
		},
	}
}

// reclaimable is docker's "11.63MB (70%)".
func reclaimable(free, total int64) string {
	pct := 0
	if total > 0 {
		pct = int(free * 100 / total)
	}
	return fmt.Sprintf("%s (%d%%)", image.HumanSize(free), pct)
}
