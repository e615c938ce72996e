package image

import (
	"slices"
	"time"
)

// HistoryEntry is one step of the steps that made an image.
type HistoryEntry struct {
	Created            time.Time
	CreatedBy, Comment string
	Size               int64 // of the layer the step made, unpacked; 0 for none
}

// History is img's steps from its config, newest first, as docker history
// lists them. Each step that made a layer is given the next layer's
// size, bottom up, as the config pairs them. A config without history
// (some importers write none) still has its layers: one entry for the
// image.
func (s Store) History(img *Image) ([]HistoryEntry, error) {
	cfg, err := s.Config(img)
	if err != nil {
		return nil, err
	}
	var out []HistoryEntry
	layer := 0
	for _, h := range cfg.History {
		var size int64
		if !h.EmptyLayer && layer < len(img.Layers) {
			size = img.Layers[layer].Unpacked
			layer++
		}
		out = append(out, HistoryEntry{Created: h.Created.Time, CreatedBy: h.CreatedBy, Comment: h.Comment, Size: size})
	}
	if len(out) == 0 {
		out = append(out, HistoryEntry{Created: img.Created, Size: img.Size()})
	}
	slices.Reverse(out)
	return out, nil
}
