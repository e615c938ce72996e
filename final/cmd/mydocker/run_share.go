package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/state"
)

// parseIpcPid reads --ipc and --pid into opts.Process, as docker's:
//
//	--ipc private|shareable|host|none|container:NAME
//	--pid host|container:NAME
//
// container:NAME must run now; its ID is kept, and each start joins its
// namespace again. An IPC namespace is joined only from a shareable
// container (docker's rule: its /dev/shm is a tmpfs on the host, which
// the joiner binds).
func parseIpcPid(cmd *cli.Command, opts *container.RunOptions) error {
	p := &opts.Process
	switch ipc := cmd.String("ipc"); ipc {
	case "", "private", "shareable", "host", "none":
		p.IpcMode = ipc
	default:
		if !strings.HasPrefix(ipc, "container:") {
			return fmt.Errorf("invalid IPC mode: %s: want private, shareable, host, none or container:NAME", ipc)
		}
		other, err := runningToShare(opts.Root, ipc, "IPC")
		if err != nil {
			return err
		}
		if other.Process.IpcMode != "shareable" {
			return fmt.Errorf("container %s: non-shareable IPC (hint: run it with --ipc shareable)", other.Name)
		}
		p.IpcMode = "container:" + other.ID
	}
	switch pid := cmd.String("pid"); pid {
	case "", "host":
		p.PidMode = pid
	default:
		if !strings.HasPrefix(pid, "container:") {
			return fmt.Errorf("invalid PID mode: %s: want host or container:NAME", pid)
		}
		other, err := runningToShare(opts.Root, pid, "PID")
		if err != nil {
			return err
		}
		p.PidMode = "container:" + other.ID
	}
	return nil
}

// runningToShare finds the container that mode (container:NAME) names,
// which must run: what is shared is its init's namespace.
func runningToShare(root, mode, what string) (*state.Container, error) {
	ref := strings.TrimPrefix(mode, "container:")
	if ref == "" {
		return nil, fmt.Errorf("invalid %s mode: %s: want container:NAME", what, mode)
	}
	other, err := findReconciled(state.Store{Root: root}, ref)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", strings.ToLower(what), mode, err)
	}
	if !other.Running() {
		return nil, fmt.Errorf("cannot join the %s namespace of a container that is not running: %s", what, other.Name)
	}
	return other, nil
}
