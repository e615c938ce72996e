package volume

import (
	"io/fs"
	"os"
)

// DirSize is what a directory a container wrote holds (a volume's data,
// a container's upper layer): its regular files' sizes, walked inside an
// os.Root, so that a symlink a container left never leads out of it.
func DirSize(dir string) int64 {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0
	}
	defer root.Close()
	var n int64
	_ = fs.WalkDir(root.FS(), ".", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}
