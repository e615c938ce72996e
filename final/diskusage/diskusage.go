// Package diskusage measures what docker system df shows: the bytes of
// the images, the containers' writable layers, the volumes and the build
// cache, and which of them are in use. The CLI's system df adds them up;
// the API's /system/df lists them, as docker's daemon does.
package diskusage

import (
	"github.com/mydocker/mydocker/final/build"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
	"github.com/mydocker/mydocker/final/volume"
)

// Container is one container's writable layer.
type Container struct {
	State *state.Container
	Size  int64
}

// Image is one image, with how many containers use it.
type Image struct {
	Image      *image.Image
	Size       int64
	Containers int
}

// Volume is one volume, with how many containers bind it.
type Volume struct {
	Volume *volume.Volume
	Size   int64
	Refs   int
}

// Usage is the whole of system df.
type Usage struct {
	Containers []Container
	Images     []Image
	Volumes    []Volume
	// A build's step images are its cache, as docker counts them: their
	// layers are those of the images built (counted there), and the RUN
	// cache mounts are the build cache's own bytes.
	Steps       int
	CacheMounts int
	CacheSize   int64
}

// Of measures root's images, volumes and build cache, and the containers
// states (reconciled by the caller).
func Of(root string, states []*state.Container) (Usage, error) {
	var u Usage
	images, err := image.Store{Root: root}.List()
	if err != nil {
		return u, err
	}
	vols := volume.Store{Root: root}
	list, err := vols.List()
	if err != nil {
		return u, err
	}
	imageUsers, volumeUsers := map[string]int{}, map[string]int{}
	for _, st := range states {
		imageUsers[st.ImageID]++
		for _, v := range st.Volumes {
			volumeUsers[v.Host]++
		}
		u.Containers = append(u.Containers, Container{State: st, Size: volume.DirSize(st.Workspace().Upper())})
	}
	for _, img := range images {
		if img.Intermediate && len(img.RepoTags) == 0 && imageUsers[img.ID] == 0 {
			u.Steps++
			continue
		}
		u.Images = append(u.Images, Image{Image: img, Size: img.Size(), Containers: imageUsers[img.ID]})
	}
	for _, v := range list {
		path := vols.Path(v.Name)
		u.Volumes = append(u.Volumes, Volume{Volume: v, Size: volume.DirSize(path), Refs: volumeUsers[path]})
	}
	u.CacheMounts, u.CacheSize = build.CacheMountsUsage(root)
	return u, nil
}
