// Package volume keeps final/'s named volumes, as docker's local driver:
// a directory <root>/volumes/NAME/_data that -v NAME:/path binds into
// containers, made on first use, kept until "volume rm", and never
// removed with a container.
package volume

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mydocker/mydocker/final/events"
	"github.com/mydocker/mydocker/final/internal/atomicfile"
	"github.com/mydocker/mydocker/final/overlay"
)

// Store is the volumes under the state root.
type Store struct {
	Root string // mydocker's --root
}

// Volume is one named volume.
type Volume struct {
	Name       string            `json:"Name"`
	Driver     string            `json:"Driver"`
	Mountpoint string            `json:"Mountpoint"`
	CreatedAt  time.Time         `json:"CreatedAt"`
	Scope      string            `json:"Scope"`
	Labels     map[string]string `json:"Labels"`
}

// AnonymousLabel marks a volume made for one container (-v /path, an
// image's VOLUME), as docker marks it: rm -v and --rm remove it with the
// container, volume prune removes it once no container uses it.
const AnonymousLabel = "com.docker.volume.anonymous"

// Anonymous reports whether the volume was made for one container.
func (v *Volume) Anonymous() bool {
	_, ok := v.Labels[AnonymousLabel]
	return ok
}

// meta is a volume's volume.json, beside its _data.
type meta struct {
	Labels map[string]string `json:"labels,omitempty"`
}

func (s Store) metaPath(name string) string { return filepath.Join(s.dir(name), "volume.json") }

// validName is docker's rule for a volume's name.
var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// IsName reports whether the host side of -v names a volume: it is not a
// path (docker's rule: a path starts with "/").
func IsName(s string) bool { return s != "" && !strings.HasPrefix(s, "/") }

// CheckName refuses a name docker would refuse.
func CheckName(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("invalid volume name %q: want [a-zA-Z0-9][a-zA-Z0-9_.-]+ (or an absolute host path)", name)
	}
	return nil
}

func (s Store) dir(name string) string { return filepath.Join(s.Root, "volumes", name) }

// Path is where the data of volume name lives, which containers bind.
func (s Store) Path(name string) string { return filepath.Join(s.dir(name), "_data") }

// NameOf tells which volume the host path is the data of, if any.
func (s Store) NameOf(path string) (string, bool) {
	rel, err := filepath.Rel(filepath.Join(s.Root, "volumes"), path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false
	}
	name, data, ok := strings.Cut(rel, "/")
	return name, ok && data == "_data"
}

// Create makes the volume name (a random one when name is ""), or finds
// it when it exists, as docker volume create does.
func (s Store) Create(name string) (*Volume, error) {
	if name == "" {
		name = randomName()
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if v, err := s.Get(name); err == nil {
		return v, nil
	}
	if err := os.MkdirAll(s.Path(name), 0o755); err != nil {
		return nil, fmt.Errorf("create volume %s: %w", name, err)
	}
	events.Log(s.Root, events.Volume, "create", name, map[string]string{"driver": "local"})
	return s.Get(name)
}

// randomName is the name of a volume made without one: 64 hex digits,
// as docker's.
func randomName() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ErrNotFound: no volume has that name.
var ErrNotFound = errors.New("no such volume")

// Get returns the volume name.
func (s Store) Get(name string) (*Volume, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	info, err := os.Stat(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	if err != nil {
		return nil, err
	}
	v := &Volume{Name: name, Driver: "local", Mountpoint: s.Path(name), CreatedAt: info.ModTime().UTC(), Scope: "local"}
	if data, err := os.ReadFile(s.metaPath(name)); err == nil {
		var m meta
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("volume %s: %s: %w", name, s.metaPath(name), err)
		}
		v.Labels = m.Labels
	}
	return v, nil
}

// CreateAnonymous makes the anonymous volume name, or finds it.
func (s Store) CreateAnonymous(name string) (*Volume, error) {
	return s.CreateLabeled(name, map[string]string{AnonymousLabel: ""})
}

// CreateLabeled makes the volume name with labels (as docker volume
// create --label), or finds it: made whole under a temporary name and
// renamed into place, so that it is never there without its labels.
func (s Store) CreateLabeled(name string, labels map[string]string) (*Volume, error) {
	if len(labels) == 0 {
		return s.Create(name)
	}
	if name == "" {
		name = randomName()
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if v, err := s.Get(name); err == nil {
		return v, nil
	}
	tmp := filepath.Join(s.Root, "volumes", ".creating-"+name)
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	data, _ := json.Marshal(meta{Labels: labels})
	err := os.MkdirAll(filepath.Join(tmp, "_data"), 0o755)
	if err == nil {
		err = atomicfile.Write(filepath.Join(tmp, "volume.json"), data, 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, s.dir(name))
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("create volume %s: %w", name, err)
	}
	events.Log(s.Root, events.Volume, "create", name, map[string]string{"driver": "local"})
	return s.Get(name)
}

// List returns the volumes, by name.
func (s Store) List() ([]*Volume, error) {
	entries, err := os.ReadDir(filepath.Join(s.Root, "volumes"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var list []*Volume
	for _, e := range entries {
		if v, err := s.Get(e.Name()); err == nil {
			list = append(list, v)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, nil
}

// Remove deletes the volume name and its data, unless a container uses
// it (users names them): docker refuses that, even for a stopped one.
func (s Store) Remove(name string, users []string) error {
	if _, err := s.Get(name); err != nil {
		return err
	}
	if len(users) > 0 {
		return fmt.Errorf("volume %s is in use by container %s: remove the container first", name, strings.Join(users, ", "))
	}
	// Renamed first, so that a removal cut short leaves no half volume
	// under its name for the next -v to pick up.
	gone := filepath.Join(s.Root, "volumes", ".removing-"+name)
	if err := os.Rename(s.dir(name), gone); err != nil {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	events.Log(s.Root, events.Volume, "destroy", name, map[string]string{"driver": "local"})
	// It holds no mount (no container uses it); should one be there, the
	// removal stops at it rather than delete the host's data below.
	return overlay.RemoveAll(gone)
}
