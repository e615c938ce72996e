package main

import "github.com/urfave/cli/v3"

// moreCommands are docker's commands that issue 24 added, each in a file
// of its own.
func moreCommands() []*cli.Command {
	return []*cli.Command{
		pauseCommand(),
		unpauseCommand(),
		renameCommand(),
		versionCommand(),
		infoCommand(),
		diffCommand(),
		historyCommand(),
		containerCommand(),
		imageCommand(),
		updateCommand(),
	}
}
