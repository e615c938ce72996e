package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"
)

// useRoot runs ahead of each command that keeps state under --root (not
// init, which must not create the default root from inside a container):
// --root becomes the directory that prepareRoot makes of it.
func useRoot(ctx context.Context, cmd *cli.Command) (context.Context, error) {
	root, err := prepareRoot(cmd.Root().String("root"))
	if err != nil {
		return ctx, err
	}
	return ctx, cmd.Root().Set("root", root)
}

// prepareRoot creates the state root and returns its absolute path with
// every symlink resolved, made 0700.
//
// Absolute, since it ends up in mount options and in the container's
// working directory. Resolved, since the kernel's mount table holds
// resolved paths and mydocker finds its mounts there again by path: under
// a root given through a symlink (/srv/md -> /data/md) it would miss them
// and delete through them. 0700 on every start, whatever made the
// directory first (as docker does with its data root): the layers under
// it hold the setuid binaries of images and containers, which no other
// user of the host may run.
func prepareRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("--root %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("--root: %w", err)
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("--root: %w", err)
	}
	info, err := os.Stat(resolved)
	if err != nil {
		return "", fmt.Errorf("--root: %w", err)
	}
	// Made 0700, a directory that other users share would be taken from them.
	if resolved == "/" || info.Mode()&os.ModeSticky != 0 {
		return "", fmt.Errorf("--root %s: a directory that others share (such as / or /tmp) cannot be mydocker's; give it one of its own, such as /var/lib/mydocker", dir)
	}
	if err := os.Chmod(resolved, 0o700); err != nil {
		return "", fmt.Errorf("--root: %w", err)
	}
	return resolved, nil
}
