package image

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"
)

// UsersFunc names the containers that use the image with this ID (by
// their short IDs, as docker's rmi errors name them).
type UsersFunc func(id string) []string

// Remove removes arg as "docker rmi" does, and returns what it did, one
// line each ("Untagged: busybox:latest", "Deleted: sha256:…"):
//   - by name, it takes that name away; the image goes with its last name;
//   - by ID, it takes every name away (with force when the image is in
//     more than one repository) and the image goes.
//
// An image that a container uses is refused without force; with force it
// loses its names but stays, as "<none>", until no container uses it, so
// that the container's layers never vanish under it. The image's parents
// that only it needed go with it (removeParents). Blobs and layers that
// no image has any more are deleted.
func (s Store) Remove(arg string, force bool, users UsersFunc) ([]string, error) {
	var done []string
	err := s.update(func(idx *index) error {
		img, err := idx.find(arg)
		if err != nil {
			return err
		}
		byName := false
		if ref, err := ParseRef(arg); err == nil {
			for _, n := range append(append([]string{}, img.RepoTags...), img.RepoDigests...) {
				byName = byName || n == ref.String()
			}
		}
		used := users(img.ID)
		if byName && len(img.RepoTags) > 1 {
			ref, _ := ParseRef(arg)
			idx.untag(ref.String())
			done = append(done, "Untagged: "+ref.Familiar())
			return nil
		}
		if !force {
			if err := conflict(arg, img, byName, used); err != nil {
				return err
			}
		}
		for _, n := range append(append([]string{}, img.RepoTags...), img.RepoDigests...) {
			done = append(done, "Untagged: "+Familiar(n))
		}
		img.RepoTags, img.RepoDigests = nil, nil
		if len(used) > 0 {
			return nil // kept, nameless, for its containers
		}
		delete(idx.Images, img.ID)
		done = append(done, "Deleted: "+img.ID)
		done = append(done, idx.removeParents(img.Parent, users)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, d := range done {
		if name, ok := strings.CutPrefix(d, "Untagged: "); ok {
			s.event("untag", name, name)
		} else if id, ok := strings.CutPrefix(d, "Deleted: "); ok {
			s.event("delete", id, id)
		}
	}
	s.collect()
	return done, nil
}

// ConflictError is an rmi that needs force, in docker's words: its API
// answers it 409.
type ConflictError struct{ msg string }

func (e *ConflictError) Error() string { return e.msg }

// conflict refuses, without force, to remove an image a container uses
// (used names them) or, by ID, one in more than one repository.
func conflict(arg string, img *Image, byName bool, used []string) error {
	switch {
	case len(used) > 0 && byName:
		return &ConflictError{fmt.Sprintf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s", arg, used[0], img.ShortID())}
	case len(used) > 0:
		return &ConflictError{fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is being used by container %s", arg, used[0])}
	case !byName && len(repositories(img)) > 1:
		return &ConflictError{fmt.Sprintf("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", arg)}
	}
	return nil
}

// removeParents deletes, as docker's rmi does, the chain of parents from
// id up (a build's step images) while each is the last of its line: no
// tag, no digest, no other child, no container. The first that is kept
// stops the walk: what is above it is its to keep.
func (idx *index) removeParents(id string, users UsersFunc) []string {
	var done []string
	for id != "" {
		p, ok := idx.Images[id]
		if !ok || len(p.RepoTags) > 0 || len(p.RepoDigests) > 0 || idx.hasChildren(id) || len(users(id)) > 0 {
			break
		}
		delete(idx.Images, id)
		done = append(done, "Deleted: "+id)
		id = p.Parent
	}
	return done
}

// hasChildren tells whether an image of the list was made on id.
func (idx *index) hasChildren(id string) bool {
	for _, img := range idx.Images {
		if img.Parent == id {
			return true
		}
	}
	return false
}

// repositories are the distinct repositories the image is tagged in.
func repositories(img *Image) map[string]bool {
	repos := map[string]bool{}
	for _, t := range img.RepoTags {
		repos[t[:strings.LastIndex(t, ":")]] = true
	}
	return repos
}

// collect deletes the blobs and layers that no image has, and what a
// killed pull left in tmp/. It runs under the lock; a failure only leaves
// garbage, so it is logged, not returned.
func (s Store) collect() {
	lock, err := s.lock()
	if err != nil {
		logrus.WithError(err).Warn("clean up unused layers")
		return
	}
	defer lock.Release()
	idx, err := s.load()
	if err != nil {
		logrus.WithError(err).Warn("clean up unused layers")
		return
	}
	s.cleanTmp()
	s.removeIndexTemps()
	// What a pull, import, load, commit or run under way holds is theirs.
	blobs, layers := s.leased(), s.leased()
	for _, img := range idx.Images {
		blobs[hexOf(img.ID)], blobs[hexOf(img.Manifest)] = true, true
		for _, l := range img.Layers {
			blobs[hexOf(l.Digest)], layers[hexOf(l.DiffID)] = true, true
		}
	}
	s.removeUnused(filepath.Join(s.Root, "blobs", "sha256"), blobs)
	s.removeUnused(filepath.Join(s.Root, "layers"), layers)
}

// removeIndexTemps removes the temporary copies of images.json that a
// process killed while it wrote one left. images.json is written under
// the lock, which the caller holds: none of them is being written.
func (s Store) removeIndexTemps() {
	entries, _ := os.ReadDir(s.Root)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".images.json.tmp-") && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(s.Root, e.Name()))
		}
	}
}

// removeUnused removes the entries of dir that keep does not name. The
// names that start with a dot are removals under way (removeTree): not
// ours to remove (cleanTmp takes those whose process is gone).
func (s Store) removeUnused(dir string, keep map[string]bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if keep[e.Name()] || strings.HasPrefix(e.Name(), ".") {
			continue // a dot name: a removal under way, or cleanTmp's
		}
		if err := removeTree(filepath.Join(dir, e.Name())); err != nil {
			logrus.WithError(err).Warn("remove an unused layer")
		}
	}
}

// removeAbandoned removes the removal .PID-removing-NAME of a process that
// is gone: nothing else ever would.
func (s Store) removeAbandoned(dir, name string) {
	pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "."), "-", 2)[0])
	if err != nil || !strings.Contains(name, "-removing-") || !processGone(pid) {
		return
	}
	if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
		logrus.WithError(err).Warn("remove what a removal left")
	}
}
