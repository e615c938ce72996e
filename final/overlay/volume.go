package overlay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Volume is one -v HOST:CONTAINER[:ro]: a host directory bind-mounted into
// the container, whose data outlives it (book 4.3). In final/ it may also
// be a volume of the store (package volume): Name is then its name, and
// Host its data.
type Volume struct {
	Host      string // absolute path on the host
	Container string // absolute path inside the container
	ReadOnly  bool
	// Name is the store volume's name; Anonymous: made for this container
	// (-v /path, the image's VOLUME), removed with it by rm -v and --rm.
	Name      string `json:",omitempty"`
	Anonymous bool   `json:",omitempty"`
	// NoCopy: a new, empty volume is not filled from the image (nocopy).
	NoCopy bool `json:",omitempty"`
}

// Tmpfs is one --tmpfs PATH[:OPTIONS]: a tmpfs of the container's own.
type Tmpfs struct {
	Container string
	Options   []string `json:",omitempty"`
}

func (v Volume) String() string { return v.Host + ":" + v.Container }

// ParseVolume parses HOST:CONTAINER[:ro|:rw]. Both paths must be absolute,
// and the container path may not be "/" itself.
func ParseVolume(spec string) (Volume, error) {
	bad := func(why string) (Volume, error) {
		return Volume{}, fmt.Errorf("invalid volume %q: %s (want /host/dir:/container/dir[:ro])", spec, why)
	}
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return bad("want two or three parts separated by ':'")
	}
	v := Volume{Host: parts[0], Container: parts[1]}
	if len(parts) == 3 {
		switch parts[2] {
		case "ro":
			v.ReadOnly = true
		case "rw":
		default:
			return bad(fmt.Sprintf("unknown option %q", parts[2]))
		}
	}
	if v.Host == "" || v.Container == "" {
		return bad("a side is empty")
	}
	if !filepath.IsAbs(v.Host) || !filepath.IsAbs(v.Container) {
		return bad("both paths must be absolute")
	}
	v.Host, v.Container = filepath.Clean(v.Host), filepath.Clean(v.Container)
	if v.Container == "/" {
		return bad("cannot mount over the container's root")
	}
	return v, nil
}

// CreateHostDirs creates the host directories of the volumes that do not
// exist yet, as docker does. It runs on the host, before the container
// starts: these paths are the caller's, not the container's. The binds
// are made by init, in the container's mount namespace, as spec mounts
// (container.volumeMounts): never in the host's.
func CreateHostDirs(vols []Volume) error {
	for _, v := range vols {
		_, err := os.Stat(v.Host)
		if errors.Is(err, fs.ErrNotExist) {
			err = os.MkdirAll(v.Host, 0o755)
		}
		if err != nil {
			return fmt.Errorf("volume %s: %w", v, err)
		}
	}
	return nil
}
