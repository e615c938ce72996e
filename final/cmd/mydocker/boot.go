package main

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

// bootCommand starts, after a reboot, the containers whose restart policy
// says so (state.Container.StartsAtBoot): no daemon of ours survives a
// reboot to do it, so a systemd unit runs this once at boot
// (contrib/systemd/mydocker-restart.service), as podman-restart.service
// runs "podman start --all --filter restart-policy=always". It prints
// the name of each container it started.
func bootCommand() *cli.Command {
	return &cli.Command{
		Name:   "boot",
		Usage:  "start the containers whose restart policy says so, after a reboot (mydocker-restart.service runs it)",
		Before: useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return fmt.Errorf("boot: takes no arguments")
			}
			store := state.Store{Root: cmd.Root().String("root")}
			// What ran when the machine went down is exited now.
			reconcile(store)
			list, err := store.List()
			if err != nil {
				return err
			}
			failed := 0
			for _, st := range list {
				if !st.StartsAtBoot() {
					continue
				}
				if _, err := startMonitor(cmd, monitor.Options{Start: st.ID}, st.Security); err != nil {
					fmt.Fprintf(os.Stderr, "mydocker: start %s: %v\n", st.Name, err)
					failed++
					continue
				}
				fmt.Println(st.Name)
			}
			if failed > 0 {
				return exitStatus(exitFailure)
			}
			return nil
		},
	}
}
