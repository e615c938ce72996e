package main

import "github.com/urfave/cli/v3"

// withMoreCommands adds to the top-level commands those of issue 24's
// "commands" row, each in a file of its own, and the network group's
// prune.
func withMoreCommands(cmds []*cli.Command) []*cli.Command {
	for _, c := range cmds {
		switch c.Name {
		case "network":
			c.Commands = append(c.Commands, networkPruneCommand())
		}
	}
	cmds = append(cmds,
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
		buildCommand(),
		builderCommand(),
	)
	noHelpCommand(cmds)
	return cmds
}

// noHelpCommand takes the "help" subcommand (alias "h") that urfave gives
// every command away from those that have no subcommands: "rm h" printed
// rm's help and exited 0, so a container named h or help could not be
// removed, inspected or committed. --help and -h stay.
func noHelpCommand(cmds []*cli.Command) {
	for _, c := range cmds {
		if len(c.Commands) == 0 {
			c.HideHelpCommand = true
		} else {
			noHelpCommand(c.Commands)
		}
	}
}
