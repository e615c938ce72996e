package api

import (
	"net/http"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/volume"

	"github.com/mydocker/mydocker/final/diskusage"
)

// legacyDiskUsage is /system/df's answer before API 1.52, the version
// this server speaks: the lists, from which the client adds up its
// table. (github.com/moby/moby/api has the 1.52 shape alone.)
type legacyDiskUsage struct {
	LayersSize int64
	Images     []image.Summary
	Containers []container.Summary
	Volumes    []volume.Volume
	BuildCache []build.CacheRecord
}

// diskUsage is docker system df: what diskusage.Of measures, as the
// CLI's system df.
func (s *Server) diskUsage(w http.ResponseWriter, r *http.Request) {
	states, _, err := s.reconciled()
	if err != nil {
		writeError(w, err)
		return
	}
	u, err := diskusage.Of(s.Root, states)
	if err != nil {
		writeError(w, err)
		return
	}
	out := legacyDiskUsage{Images: []image.Summary{}, Containers: []container.Summary{},
		Volumes: []volume.Volume{}, BuildCache: []build.CacheRecord{}}
	for _, img := range u.Images {
		out.LayersSize += img.Size
		out.Images = append(out.Images, image.Summary{
			ID: img.Image.ID, Created: img.Image.Created.Unix(), Size: img.Size,
			RepoTags: familiar(img.Image.RepoTags), RepoDigests: familiar(img.Image.RepoDigests),
			Labels: map[string]string{}, Containers: int64(img.Containers),
		})
	}
	for _, c := range u.Containers {
		sum := summaryOf(c.State)
		sum.SizeRw = c.Size
		out.Containers = append(out.Containers, sum)
	}
	for _, v := range u.Volumes {
		vol := volumeOf(v.Volume)
		vol.UsageData = &volume.UsageData{RefCount: int64(v.Refs), Size: v.Size}
		out.Volumes = append(out.Volumes, vol)
	}
	// The steps' images share their layers with the images built; the
	// RUN cache mounts are one record of their bytes.
	for range u.Steps {
		out.BuildCache = append(out.BuildCache, build.CacheRecord{Type: "regular", Shared: true, Description: "a build step's image"})
	}
	if u.CacheMounts > 0 {
		out.BuildCache = append(out.BuildCache, build.CacheRecord{ID: "cache-mounts", Type: "exec.cachemount", Size: u.CacheSize, Description: "RUN --mount=type=cache"})
	}
	writeJSON(w, http.StatusOK, out)
}
