package container

import (
	"fmt"
	"os/exec"

	"github.com/vishvananda/netns"

	"github.com/mydocker/mydocker/final/state"
)

// startIn starts init: as it is, or for a container that shares another's
// network namespace (--network container:NAME), from a thread of ours in
// that namespace, which the new process then has (its clone has no
// CLONE_NEWNET). The other container must run: its namespace is that of
// its init, checked alive once the namespace is open.
func startIn(st *state.Container, parent *exec.Cmd) error {
	if st.NetworkContainer == "" {
		return parent.Start()
	}
	other, err := state.Store{Root: st.Root()}.Load(st.NetworkContainer)
	if err != nil {
		return fmt.Errorf("the container whose network it joins: %w", err)
	}
	ns, err := netns.GetFromPid(other.Init.PID)
	if err != nil || !other.Running() {
		if err == nil {
			ns.Close()
		}
		return fmt.Errorf("cannot join the network of a container that is not running: %s", other.Name)
	}
	defer ns.Close()
	return inNetns(ns, parent.Start)
}
