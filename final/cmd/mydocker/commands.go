package main

import "github.com/urfave/cli/v3"

// withMoreCommands adds to the top-level commands those of issue 24's
// "commands" row, each in a file of its own, and the prune of the
// volume and network groups.
func withMoreCommands(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		switch c.Name {
		case "volume":
			c.Commands = append(c.Commands, volumePruneCommand())
		case "network":
			c.Commands = append(c.Commands, networkPruneCommand())
		}
	}
	return append(cmds,
		pauseCommand(),
		unpauseCommand(),
		renameCommand(),
		versionCommand(),
		infoCommand(),
		diffCommand(),
		historyCommand(),
		updateCommand(),
		containerCommand(),
		imageCommand(),
		systemCommand(),
	)
}
