package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mydocker/mydocker/final/cgroups/fs"
)

// These freeze and thaw a container's cgroup, mydocker/<id>, from its ID
// alone: pause and unpause run in a mydocker that did not make it, and
// every command that kills a container must thaw it first, or its
// processes would never die (on cgroup v1 a frozen task does not wake for
// SIGKILL; v2's does, but stays in the cgroup until it is thawed).

// freezerOf names the directory that freezes the cgroup mydocker/<id>,
// keyed as Freeze and Frozen take it: v2's one ("" key), or v1's freezer
// hierarchy (also on a hybrid host, where the v1 freezer governs the
// tasks; its unified hierarchy only when no v1 freezer is mounted).
func freezerOf(id string) (map[string]string, error) {
	if id == "" || id == "." || id == ".." || filepath.Base(id) != id {
		return nil, fmt.Errorf("%q is not a container ID", id)
	}
	path := filepath.Join(Parent, id)
	paths, err := controllerPaths(path, "freezer")
	if err != nil || len(paths) > 0 {
		return paths, err
	}
	hybrid, err := fs.FindUnified()
	if err != nil {
		return nil, err
	}
	if hybrid == "" {
		return nil, fmt.Errorf("this machine has no cgroup freezer")
	}
	return map[string]string{"": filepath.Join(hybrid, path)}, nil
}

// Pause freezes every process of the container id. A freeze that does
// not settle is undone: half-frozen is no state to leave a container in.
func Pause(id string) error {
	paths, err := freezerOf(id)
	if err != nil {
		return fmt.Errorf("pause: %w", err)
	}
	if err := Freeze(paths, true); err != nil {
		_ = Freeze(paths, false)
		return fmt.Errorf("pause: %w", err)
	}
	return nil
}

// Resume thaws the container id's processes. A cgroup that is not there
// (the container is gone) is nothing to thaw.
func Resume(id string) error {
	paths, err := freezerOf(id)
	if err != nil {
		return fmt.Errorf("unpause: %w", err)
	}
	for _, dir := range paths {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	if err := Freeze(paths, false); err != nil {
		return fmt.Errorf("unpause: %w", err)
	}
	return nil
}

// Paused reports whether the container id's cgroup is frozen (or being
// frozen): the freezer itself is the record, so no file of ours can say
// otherwise after a kill -9 half-way.
func Paused(id string) bool {
	paths, err := freezerOf(id)
	if err != nil {
		return false
	}
	return Frozen(paths) || freezing(paths)
}

// freezing reports v1's FREEZING: asked to freeze, some task not yet.
func freezing(paths map[string]string) bool {
	dir, ok := paths["freezer"]
	return ok && readOr(dir, "freezer.state") == "FREEZING"
}
